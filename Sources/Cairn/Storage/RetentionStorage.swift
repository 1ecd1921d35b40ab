import Foundation

/// The storage role of pruning history (`HistoryPruner`): finding the runs a retention policy
/// lets go and deleting them with their events, in small batches, and deleting old schedule and
/// sensor ticks and automation evaluations.
public protocol RetentionStorage: Sendable {
    /// Up to `limit` ended runs the policy lets go, oldest first, with how many events each has.
    ///
    /// Never listed: a run that has not ended; a run holding the latest materialization of an
    /// asset or of one of its partitions, or its latest observation, or a check's latest
    /// evaluation; a run of a backfill that has not ended; one of the `keepRunsPerJob` newest runs
    /// of its job. A run created after `now - maxAge` is kept too, when the policy has a `maxAge`.
    func prunableRuns(_ policy: RetentionPolicy, now: Date, limit: Int) async throws -> [PrunableRun]

    /// Deletes at most `maxEvents` events of these runs, oldest first, then those of the runs that
    /// have no event left (with their tags and heartbeats), in one transaction.
    ///
    /// - Returns: how many events were deleted, and which runs.
    func deleteRuns(_ ids: [RunID], maxEvents: Int) async throws -> (events: Int, runs: [RunID])

    /// How many schedule and sensor ticks and automation evaluations were recorded before
    /// `cutoff`, leaving out each schedule's, sensor's and asset's latest, which are kept.
    func countTicksAndEvaluations(before cutoff: Date) async throws -> Int

    /// Deletes at most `limit` of the ticks and evaluations `countTicksAndEvaluations` counts,
    /// oldest first.
    ///
    /// - Returns: how many were deleted.
    func deleteTicksAndEvaluations(before cutoff: Date, limit: Int) async throws -> Int

    /// Gives back to the file system up to `maxPages` pages that deletions freed, where the
    /// storage can (SQLite created with incremental vacuum); 0 elsewhere.
    ///
    /// - Returns: how many pages were given back.
    func reclaimFreeSpace(maxPages: Int) async throws -> Int
}

/// A run a retention policy lets go (`RetentionStorage.prunableRuns`).
public struct PrunableRun: Hashable, Sendable {
    /// The run.
    public var id: RunID
    /// Its job.
    public var jobName: String
    /// When it was created.
    public var createdAt: Date
    /// How many events it has.
    public var eventCount: Int

    /// Creates the record of a prunable run.
    public init(id: RunID, jobName: String, createdAt: Date, eventCount: Int) {
        self.id = id
        self.jobName = jobName
        self.createdAt = createdAt
        self.eventCount = eventCount
    }
}
