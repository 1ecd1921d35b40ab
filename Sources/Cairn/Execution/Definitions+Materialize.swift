import Foundation

extension Definitions {
    /// Materializes the assets matched by a selection as a new run, stored in `storage`.
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
    ///   - maxConcurrency: how many steps may run at once.
    ///   - tags: labels stored with the run.
    ///   - observer: called with each event once it is stored.
    /// - Returns: how the run ended; a failed step is a failed run, not an error.
    /// - Throws: `DefinitionsError`, `SelectionError` or `PlanError` before the run is created,
    ///   and storage errors when events cannot be stored.
    public func materialize(
        _ selection: String,
        storage: any InstanceStorage,
        defaultIOManager: any IOManager,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        tags: [String: String] = [:],
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> RunResult {
        let graph = try assetGraph
        let selected = try AssetSelection.parse(selection).resolve(in: graph)
        let plan = try ExecutionPlan(graph: graph, selected: selected)
        let run = Run(selection: selection, assetKeys: plan.assetKeys, tags: tags)
        try await storage.addRun(run)
        let executor = Executor(
            graph: graph, storage: storage, defaultIOManager: ioManager ?? defaultIOManager,
            maxConcurrency: maxConcurrency, observer: observer)
        return try await executor.execute(plan, runID: run.id)
    }
}
