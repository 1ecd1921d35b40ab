import Foundation

/// What history an instance keeps: runs (with their events) older than `maxAge`, beyond the
/// `keepRunsPerJob` newest of their job, may go; so may ticks and automation evaluations older
/// than `maxAge`. Whatever the policy, each asset's latest materialization (and each partition's),
/// latest observation and each check's latest evaluation stay, with their runs, and so do runs
/// that have not ended and the runs of backfills in progress.
///
/// ```swift
/// let policy = try RetentionPolicy(maxAgeDays: 30, keepRunsPerJob: 100)
/// ```
public struct RetentionPolicy: Hashable, Sendable {
    /// How old a run, tick or evaluation may get before it can go; `nil`: age alone lets nothing go.
    public var maxAge: Duration?
    /// How many of the newest runs of each job always stay; `nil`: the count keeps none.
    public var keepRunsPerJob: Int?

    /// A policy by days and counts, as the CLI and the daemon take it.
    ///
    /// - Throws: `RetentionPolicyError` when neither bound is given, or one is negative or absurd.
    public init(maxAgeDays: Double?, keepRunsPerJob: Int?) throws(RetentionPolicyError) {
        guard maxAgeDays != nil || keepRunsPerJob != nil else { throw .noBound }
        if let maxAgeDays {
            guard maxAgeDays.isFinite, maxAgeDays > 0, maxAgeDays <= 36_500 else { throw .badAge(maxAgeDays) }
            maxAge = .seconds(maxAgeDays * 86_400)
        }
        if let keepRunsPerJob {
            guard keepRunsPerJob >= 0 else { throw .badCount(keepRunsPerJob) }
            self.keepRunsPerJob = keepRunsPerJob
        }
    }

    /// The time before which runs, ticks and evaluations are old enough to go; `nil` without `maxAge`.
    public func cutoff(now: Date) -> Date? {
        maxAge.map { now - $0.inSeconds }
    }
}

/// Why a retention policy was refused.
public enum RetentionPolicyError: UserError, Equatable {
    /// Neither an age nor a count was given.
    case noBound
    /// The age is not a number of days above 0 (at most 100 years).
    case badAge(Double)
    /// The count is negative.
    case badCount(Int)

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .noBound:
            "a retention policy needs --older-than-days N, --keep-runs-per-job K or both; with neither, nothing "
                + "would ever go"
        case .badAge(let days): "--older-than-days takes a number of days above 0 (at most 36500), got \(days)"
        case .badCount(let count): "--keep-runs-per-job takes a count of 0 or more, got \(count)"
        }
    }
}
