import Foundation

extension InstanceOperations {
    /// Stores a backfill of the partitions of a selection with all its runs queued, in one
    /// transaction, for the daemon's backfill service or `driveBackfill` to launch.
    ///
    /// - Parameter maxConcurrentRuns: how many of its runs may execute at once, kept with the
    ///   backfill for whoever drives it; `nil`: the driver's own limit.
    /// - Throws: `SelectionError`, `PartitionsError` or `PlanError` before anything is stored.
    public func launchBackfill(
        _ selection: String, partitions: PartitionSelection, tags: [String: String] = [:],
        runConfig: RunConfig = .empty, maxConcurrentRuns: Int? = nil
    ) async throws -> Backfill {
        var (backfill, runs) = try await BackfillPlanner(definitions: definitions).plan(
            selection, partitions: partitions, storage: storage, tags: launchTags(tags), runConfig: runConfig,
            now: now())
        backfill.maxConcurrentRuns = maxConcurrentRuns.map { max(1, $0) }
        try await storage.addBackfill(backfill, runs: runs)
        return backfill
    }

    /// Launches a backfill's queued runs in this process until every run has ended, as after its
    /// driver was killed: runs its dead driver had started are marked failed, never launched again.
    ///
    /// - Parameter maxConcurrentRuns: when given, becomes the backfill's own limit of runs at
    ///   once, kept for whoever drives it next; without it, the backfill's own limit, else 1.
    /// - Returns: the backfill as it ended.
    public func driveBackfill(
        _ id: BackfillID, maxConcurrentRuns: Int? = nil,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> Backfill {
        if let maxConcurrentRuns, var backfill = try await storage.backfill(id), !backfill.status.isTerminal,
            backfill.maxConcurrentRuns != maxConcurrentRuns
        {
            backfill.maxConcurrentRuns = max(1, maxConcurrentRuns)
            try await storage.updateBackfill(backfill)
        }
        return try await driver(maxConcurrency: maxConcurrency, observer: observer).drive(id)
    }

    /// Cancels a backfill: its queued runs are canceled, running ones finish.
    ///
    /// - Throws: `StorageError.unknownBackfill`.
    public func cancelBackfill(_ id: BackfillID) async throws -> Backfill {
        try await driver().cancel(id)
    }

    /// Retries an ended backfill: launches a new backfill of the same assets over the partitions
    /// whose runs did not succeed, tagged with `retriedBackfillTag`.
    ///
    /// - Throws: `OperationError.unknownBackfill`, `OperationError.backfillInProgress`, or
    ///   `OperationError.nothingToRetry` when every run succeeded.
    public func retryBackfill(_ id: BackfillID) async throws -> Backfill {
        guard let backfill = try await storage.backfill(id) else { throw OperationError.unknownBackfill(id) }
        guard backfill.status.isTerminal else { throw OperationError.backfillInProgress(id) }
        var space: PartitionSpace?
        if let key = backfill.assetKeys.first, let partitions = try definitions.assetGraph[key]?.spec.partitions {
            space = try await PartitionSpace.resolve(partitions, now: now(), storage: storage)
        }
        var partitions: [PartitionKey] = []
        for run in try await storage.runs(ofBackfill: id) where run.status != .success {
            guard let range = run.partitionRange else { continue }
            // A run of a range of partitions is retried partition by partition.
            if let space, let first = space.position(of: range.start), let last = space.position(of: range.end) {
                partitions += (first.index...last.index).map {
                    space.key(at: PartitionPosition(slice: first.slice, index: $0))
                }
            } else {
                partitions.append(range.start)
            }
        }
        guard !partitions.isEmpty else { throw OperationError.nothingToRetry(id) }
        var tags = backfill.tags
        tags[Self.retriedBackfillTag] = id.rawValue
        return try await launchBackfill(
            backfill.selection, partitions: .keys(partitions.sorted()), tags: tags,
            runConfig: try RunConfig(backfill.runConfig ?? .null), maxConcurrentRuns: backfill.maxConcurrentRuns)
    }

    /// A driver of backfills launching their runs in this process.
    private func driver(
        maxConcurrentRuns: Int = 1, maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) -> BackfillDriver {
        BackfillDriver(
            definitions: definitions, storage: storage, defaultIOManager: defaultIOManager,
            maxConcurrentRuns: maxConcurrentRuns, maxConcurrency: maxConcurrency, environment: environment,
            observer: observer)
    }
}
