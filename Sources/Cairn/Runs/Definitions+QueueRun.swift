import Foundation

extension Definitions {
    /// Stores a new QUEUED run for the run queue to launch, after the checks `materialize` makes
    /// before a run exists: the selection or job, the plan, the partition and the run config. What
    /// the web UI and the API launch.
    ///
    /// ```swift
    /// let run = try await definitions.queueRun(
    ///     .selection("group:weather"), runConfig: RunConfig(yamlDecoded), storage: storage)
    /// ```
    ///
    /// - Parameters:
    ///   - target: a selection in Dagster's syntax, or an op job by name.
    ///   - partition: the partition of the selected partitioned assets to materialize.
    ///   - staleOrMissingOnly: only the selected assets that are stale or were never materialized.
    ///   - tags: labels stored with the run.
    ///   - runConfig: config of the steps that take some.
    /// - Returns: the queued run.
    /// - Throws: `SelectionError`, `JobError`, `PlanError` (also when nothing is stale),
    ///   `PartitionsError` or `ConfigError` before the run is stored; storage errors.
    public func queueRun(
        _ target: Schedule.Target, partition: PartitionKey? = nil, staleOrMissingOnly: Bool = false,
        tags: [String: String] = [:], runConfig: RunConfig = .empty, storage: any InstanceStorage,
        now: Date = Date()
    ) async throws -> Run {
        let run = try await validatedRun(
            target, partition: partition, staleOrMissingOnly: staleOrMissingOnly, tags: tags, runConfig: runConfig,
            storage: storage, now: now)
        try await storage.addRun(run)
        return run
    }

    /// The QUEUED run `queueRun` would store, after the same checks, without storing it: what a
    /// launchpad's "validate" shows.
    public func validatedRun(
        _ target: Schedule.Target, partition: PartitionKey? = nil, staleOrMissingOnly: Bool = false,
        tags: [String: String] = [:], runConfig: RunConfig = .empty, storage: any InstanceStorage,
        now: Date = Date()
    ) async throws -> Run {
        var tags = tags
        if let partition {
            tags.merge(Run.partitionTags(PartitionKeyRange(partition, partition))) { _, new in new }
        }
        let graph: AssetGraph
        let plan: ExecutionPlan
        var run: Run
        switch target {
        case .selection(let selection):
            graph = try assetGraph
            var selected = try AssetSelection.parse(selection).resolve(in: graph)
            if staleOrMissingOnly {
                selected = try await graph.staleOrMissing(in: selected, storage: storage)
                guard !selected.isEmpty else { throw PlanError.nothingStale }
            }
            plan = try ExecutionPlan(graph: graph, selected: selected, scope: .assetsAndChecks)
            run = Run(
                selection: selection, assetKeys: plan.assetKeys, tags: tags, status: .queued, createdAt: now,
                runConfig: runConfig.json)
            if staleOrMissingOnly {
                // The queued run executes what is stale now, not what the selection will match then.
                run.selection = plan.assetKeys.map { "key:\($0)" }.joined(separator: " or ")
            }
        case .job(let name):
            _ = try assetGraph
            graph = try job(named: name).graph()
            plan = try ExecutionPlan(graph: graph, selected: Set(graph.nodes.indices), scope: .assetsOnly)
            run = Run(
                jobName: name, assetKeys: [], tags: tags, status: .queued, createdAt: now, runConfig: runConfig.json)
        }
        _ = try Self.stepConfigs(of: plan, in: graph, runConfig: runConfig)
        _ = try await Self.runPartitions(for: run.partitionRange, plan: plan, graph: graph, storage: storage, now: now)
        return run
    }

    /// The typed config of every step of `plan` that takes some, from `runConfig`.
    ///
    /// - Throws: `ConfigError` with every problem of every step.
    static func stepConfigs(of plan: ExecutionPlan, in graph: AssetGraph, runConfig: RunConfig) throws(ConfigError)
        -> [String: any Sendable]
    {
        try runConfig.validate(
            against: Dictionary(
                uniqueKeysWithValues: plan.steps.compactMap { step in
                    guard case .assets(let definition) = step.kind,
                        let schema = graph.definitions[definition].configSchema
                    else { return nil }
                    return (step.key, schema)
                }),
            steps: Set(plan.steps.map(\.key)))
    }
}
