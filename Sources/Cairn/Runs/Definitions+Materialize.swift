import Foundation

extension Definitions {
    /// Materializes the assets matched by a selection as a new run, stored in `storage`, and runs
    /// their checks: `RunPlanner` and `RunExecution` in one call, for scripts and tests.
    /// `InstanceOperations` launches jobs, re-executions and backfills.
    ///
    /// ```swift
    /// let result = try await definitions.materialize(
    ///     "group:weather", storage: SQLiteStorage(path: home.databasePath),
    ///     defaultIOManager: JSONFileIOManager(directory: home.storageDirectory))
    /// ```
    ///
    /// - Parameters:
    ///   - selection: a selection in Dagster's syntax (`*`, `key:x+`, `group:weather`).
    ///   - defaultIOManager: for assets whose definitions, and these Definitions, name none.
    ///   - scope: materialize and check (the default), only materialize, or only check.
    ///   - staleOrMissingOnly: only the selected assets that are stale or were never materialized.
    ///   - partition: the partition of the selected partitioned assets to materialize.
    ///   - partitionRange: a range of partitions to materialize in one run, for assets whose
    ///     backfill policy allows it.
    ///   - maxConcurrency: how many steps may run at once.
    ///   - tags: labels stored with the run.
    ///   - runConfig: config of the steps that take some, validated before the run is created.
    ///   - environment: the environment variables resources read, and `CAIRN_ENV`.
    ///   - clock: what retries wait on; tests pass one that does not sleep.
    ///   - observer: called with each event once it is stored.
    /// - Returns: how the run ended; a failed step is a failed run, not an error.
    /// - Throws: `DefinitionsError`, `SelectionError`, `PlanError`, `ConfigError` or `ResourceError`
    ///   before the run is created, and storage errors when events cannot be stored.
    public func materialize(
        _ selection: String,
        storage: any RunExecution.Storage,
        defaultIOManager: any IOManager,
        scope: ExecutionPlan.Scope = .assetsAndChecks,
        staleOrMissingOnly: Bool = false,
        partition: PartitionKey? = nil,
        partitionRange: PartitionKeyRange? = nil,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        tags: [String: String] = [:],
        runConfig: RunConfig = .empty,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(),
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> RunResult {
        let planned = try await RunPlanner(definitions: self).plan(
            .selection(selection), scope: scope,
            partitionRange: partitionRange ?? partition.map { PartitionKeyRange($0) },
            staleOrMissingOnly: staleOrMissingOnly, tags: tags, runConfig: runConfig, storage: storage)
        return try await RunExecution(
            definitions: self, storage: storage, defaultIOManager: defaultIOManager, maxConcurrency: maxConcurrency,
            environment: environment, clock: clock, observer: observer
        ).execute(planned)
    }
}
