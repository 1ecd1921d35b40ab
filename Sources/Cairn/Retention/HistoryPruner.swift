import Foundation

/// Applies a retention policy: deletes the runs it lets go with their events, and old ticks and
/// automation evaluations, in small batches with a pause after each, so that a run's event
/// appends never wait long for it; then gives the freed space back where the storage can.
///
/// ```swift
/// let pruner = HistoryPruner(storage: storage, policy: try RetentionPolicy(maxAgeDays: 30, keepRunsPerJob: nil))
/// print(try await pruner.plan())      // what would go: a dry run
/// print(try await pruner.prune())     // what went
/// ```
public struct HistoryPruner: Sendable {
    /// What was deleted, or would be.
    public struct Report: Hashable, Sendable, CustomStringConvertible {
        /// Runs deleted, with their events.
        public var runs = 0
        /// Events of those runs.
        public var events = 0
        /// Schedule and sensor ticks and automation evaluations.
        public var ticksAndEvaluations = 0
        /// The oldest and newest creation time of those runs.
        public var runsCreated: ClosedRange<Date>?
        /// Pages of the database file given back to the file system.
        public var reclaimedPages = 0

        /// `12 runs with 3,400 events (created 2026-01-02 … 2026-02-03), 90 ticks and automation evaluations`.
        public var description: String {
            var text = "\(runs) run\(runs == 1 ? "" : "s") with \(events) event\(events == 1 ? "" : "s")"
            if let runsCreated {
                let format = Date.ISO8601FormatStyle().year().month().day()
                text +=
                    " (created \(runsCreated.lowerBound.formatted(format)) … \(runsCreated.upperBound.formatted(format)))"
            }
            return text + ", \(ticksAndEvaluations) ticks and automation evaluations"
        }

        mutating func add(_ run: PrunableRun) {
            runs += 1
            events += run.eventCount
            runsCreated =
                runsCreated.map { min($0.lowerBound, run.createdAt)...max($0.upperBound, run.createdAt) }
                ?? run.createdAt...run.createdAt
        }
    }

    /// Where the history is.
    public let storage: any RetentionStorage
    /// What to keep.
    public let policy: RetentionPolicy
    /// The most events deleted in one transaction.
    public let batchSize: Int
    /// How long to wait after each batch, so that writers waiting for the database go first.
    public let pause: Duration

    /// Creates a pruner.
    public init(
        storage: any RetentionStorage, policy: RetentionPolicy, batchSize: Int = 5_000,
        pause: Duration = .milliseconds(5)
    ) {
        self.storage = storage
        self.policy = policy
        self.batchSize = max(batchSize, 1)
        self.pause = pause
    }

    /// What `prune` would delete now, deleting nothing.
    public func plan(now: Date = Date()) async throws -> Report {
        var report = Report()
        for run in try await storage.prunableRuns(policy, now: now, limit: .max) { report.add(run) }
        if let cutoff = policy.cutoff(now: now) {
            report.ticksAndEvaluations = try await storage.countTicksAndEvaluations(before: cutoff)
        }
        return report
    }

    /// Deletes what the policy lets go, in batches of at most `batchSize` events, pausing after
    /// each; stops between two batches when the task is canceled.
    ///
    /// - Parameter progress: called after each batch with what went so far.
    @discardableResult
    public func prune(now: Date = Date(), progress: (@Sendable (Report) -> Void)? = nil) async throws -> Report {
        var report = Report()
        while !Task.isCancelled {
            let runs = try await storage.prunableRuns(policy, now: now, limit: 1_000)
            let before = report.runs
            var next = 0
            while next < runs.count, !Task.isCancelled {
                // The next runs whose events fill a batch, at least one: a delete then looks at
                // about a batch of events, however many runs were listed.
                var pending: [RunID: PrunableRun] = [:]
                var events = 0
                while next < runs.count, pending.isEmpty || events + runs[next].eventCount <= batchSize {
                    pending[runs[next].id] = runs[next]
                    events += runs[next].eventCount
                    next += 1
                }
                while !pending.isEmpty, !Task.isCancelled {
                    let deleted = try await storage.deleteRuns(Array(pending.keys), maxEvents: batchSize)
                    for id in deleted.runs { if let run = pending.removeValue(forKey: id) { report.add(run) } }
                    progress?(report)
                    // Nothing deleted: another pruner took these runs.
                    if deleted.events == 0 && deleted.runs.isEmpty { break }
                    try await Task.sleep(for: pause)
                }
            }
            // Done when nothing is left to list, or a whole listing could not be deleted here.
            guard !runs.isEmpty, report.runs > before else { break }
        }
        if let cutoff = policy.cutoff(now: now) {
            while !Task.isCancelled {
                let deleted = try await storage.deleteTicksAndEvaluations(before: cutoff, limit: batchSize)
                report.ticksAndEvaluations += deleted
                guard deleted > 0 else { break }
                progress?(report)
                try await Task.sleep(for: pause)
            }
        }
        while !Task.isCancelled {
            let pages = try await storage.reclaimFreeSpace(maxPages: 2_000)
            report.reclaimedPages += pages
            guard pages > 0 else { break }
            try await Task.sleep(for: pause)
        }
        return report
    }
}
