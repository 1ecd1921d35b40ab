import Foundation

/// Turns what is asked to run into a `PlannedRun`: a selection or a job, a re-execution of an
/// earlier run, or a stored run claimed from the queue. The one place where a request becomes
/// steps, with its run config and partitions checked before anything is stored; it stores nothing.
///
/// ```swift
/// let planned = try await RunPlanner(definitions: definitions).plan(.selection("group:weather"), storage: storage)
/// let result = try await RunExecution(definitions: definitions, storage: storage, defaultIOManager: io).execute(planned)
/// ```
public struct RunPlanner: Sendable {
    /// The code location's definitions.
    public let definitions: Definitions

    /// Creates a planner over one code location.
    public init(definitions: Definitions) {
        self.definitions = definitions
    }

    /// Plans a new run of a selection or a job.
    ///
    /// - Parameters:
    ///   - scope: materialize and check (the default), only materialize, only check, or only observe;
    ///     a job's run only executes its ops.
    ///   - partitionRange: the partitions of the selected partitioned assets to materialize.
    ///   - staleOrMissingOnly: only the selected assets that are stale or were never materialized;
    ///     a queued run's selection then names them, so that it executes what is stale now.
    ///   - status: `notStarted` for a run executed at once, `queued` for the run queue.
    /// - Throws: `DefinitionsError`, `SelectionError`, `JobError`, `PlanError` (also when nothing is
    ///   stale), `PartitionsError` or `ConfigError`.
    public func plan(
        _ target: Schedule.Target, scope: ExecutionPlan.Scope = .assetsAndChecks,
        partitionRange: PartitionKeyRange? = nil, staleOrMissingOnly: Bool = false, tags: [String: String] = [:],
        runConfig: RunConfig = .empty, status: RunStatus = .notStarted,
        storage: any EventLogStorage & DynamicPartitionsStorage, now: Date = Date()
    ) async throws -> PlannedRun {
        var tags = tags
        if let partitionRange { tags.merge(Run.partitionTags(partitionRange)) { _, new in new } }
        switch target {
        case .selection(let selection):
            let graph = try definitions.assetGraph
            var selected = try AssetSelection.parse(selection).resolve(in: graph)
            if staleOrMissingOnly {
                selected = try await graph.staleOrMissing(in: selected, storage: storage)
                guard !selected.isEmpty else { throw PlanError.nothingStale }
            }
            let plan = try ExecutionPlan(graph: graph, selected: selected, scope: scope)
            let run = Run(
                selection: staleOrMissingOnly && status == .queued
                    ? plan.assetKeys.map { "key:\($0)" }.joined(separator: " or ") : selection,
                assetKeys: plan.assetKeys, tags: tags, status: status, createdAt: now, runConfig: runConfig.json)
            return try await checked(run, plan: plan, graph: graph, job: nil, storage: storage, now: now)
        case .job(let name):
            _ = try definitions.assetGraph
            let job = try definitions.job(named: name)
            let graph = try job.graph()
            let plan = try ExecutionPlan(graph: graph, selected: Set(graph.nodes.indices), scope: .assetsOnly)
            let run = Run(
                jobName: name, assetKeys: [], tags: tags, status: status, createdAt: now, runConfig: runConfig.json)
            return try await checked(run, plan: plan, graph: graph, job: job, storage: storage, now: now)
        }
    }

    /// The steps of `run` that have not succeeded (failed, skipped, never ran, or still running):
    /// none when its process died after its last step succeeded.
    ///
    /// - Throws: when its assets or job are no longer defined, or storage cannot be read.
    public func unfinishedSteps(
        of run: Run, storage: any RunStorage & EventLogStorage & DynamicPartitionsStorage
    ) async throws -> Set<String> {
        let (graph, selected, _) = try executedGraph(of: run)
        return try await unfinishedSteps(of: run, graph: graph, selected: selected, storage: storage)
    }

    private func unfinishedSteps(
        of run: Run, graph: AssetGraph, selected: Set<Int>, storage: any EventLogStorage
    ) async throws -> Set<String> {
        let planned = try ExecutionPlan(graph: graph, selected: selected).steps.map(\.key)
        return Set(planned).subtracting(try await succeededSteps(of: run.id, in: storage))
    }

    /// Plans a re-execution of an ended run as a new run that records it as its parent: all of its
    /// steps, or only those that did not succeed, whose values the others load through their IO
    /// managers.
    ///
    /// - Parameters:
    ///   - fromFailure: only the steps that failed, were skipped or never ran.
    ///   - selection: only the parent's assets that match this selection.
    ///   - runConfig: config to use instead of the parent's, as when a re-execution corrects it.
    ///   - status: `notStarted` for a run executed at once, `queued` for the run queue; a queued
    ///     re-execution from failure names its steps in its `Run.stepSelectionTag`.
    /// - Throws: `ReexecutionError` when the parent is unknown, still running, or has nothing to
    ///   re-execute; `PlanError`, `JobError`, `ConfigError` or `PartitionsError` when it cannot be
    ///   planned anymore.
    public func planReexecution(
        of parentID: RunID, fromFailure: Bool, selection: String? = nil, tags: [String: String] = [:],
        runConfig: RunConfig? = nil, status: RunStatus = .notStarted,
        storage: any RunStorage & EventLogStorage & DynamicPartitionsStorage, now: Date = Date()
    ) async throws -> PlannedRun {
        guard let parent = try await storage.run(parentID) else { throw ReexecutionError.unknownRun(parentID) }
        let (graph, parentSelection, job) = try executedGraph(of: parent)
        var selected = parentSelection
        if let selection {
            selected.formIntersection(try AssetSelection.parse(selection).resolve(in: graph))
        }
        var stepKeys: Set<String>?
        if fromFailure {
            guard parent.status == .failure || parent.status == .canceled else {
                throw ReexecutionError.notFailed(parentID, parent.status)
            }
            let remaining = try await unfinishedSteps(of: parent, graph: graph, selected: selected, storage: storage)
            guard !remaining.isEmpty else { throw ReexecutionError.nothingFailed(parentID) }
            stepKeys = remaining
        }
        let plan = try ExecutionPlan(graph: graph, selected: selected, stepKeys: stepKeys)
        let root = parent.rootRunID ?? parent.id
        var runTags = parent.tags.filter {
            ![Run.stepSelectionTag, RunWorker.pidKey, RunWorker.hostKey].contains($0.key)
        }
        runTags.merge(tags) { _, new in new }
        runTags.merge(["cairn/parent_run_id": parent.id.rawValue, "cairn/root_run_id": root.rawValue]) { _, new in new }
        if status == .queued, let stepKeys {
            runTags[Run.stepSelectionTag] = try Run.stepSelection(Array(stepKeys))
        }
        let run = Run(
            jobName: parent.jobName, selection: selection ?? parent.selection,
            assetKeys: parent.jobName == Run.assetJobName ? plan.assetKeys : [], tags: runTags, status: status,
            createdAt: now, runConfig: runConfig?.json ?? parent.runConfig, parentRunID: parent.id, rootRunID: root)
        return try await checked(run, plan: plan, graph: graph, job: job, storage: storage, now: now)
    }

    /// Plans a stored run that a process claimed from the queue: its assets or its job's ops, only
    /// the steps of its `Run.stepSelectionTag` when it has one, its partitions and its config.
    ///
    /// - Throws: `ReexecutionError.assetGone` when an asset of the run is no longer defined, and the
    ///   errors of `plan(_:)`.
    public func plan(stored run: Run, storage: any DynamicPartitionsStorage, now: Date = Date()) async throws
        -> PlannedRun
    {
        let (graph, selected, job) = try executedGraph(of: run)
        let plan = try ExecutionPlan(
            graph: graph, selected: selected, scope: job == nil ? .assetsAndChecks : .assetsOnly,
            stepKeys: try run.stepSelection())
        return try await checked(run, plan: plan, graph: graph, job: job, storage: storage, now: now)
    }

    /// The planned run, once its steps' config and its partitions are checked.
    private func checked(
        _ run: Run, plan: ExecutionPlan, graph: AssetGraph, job: Job?, storage: any DynamicPartitionsStorage, now: Date
    ) async throws -> PlannedRun {
        if let value = run.tags[Run.maxRuntimeTag] { _ = try Run.maxRuntime(parsing: value) }
        var config = try RunConfig(run.runConfig ?? .null)
        if run.parentRunID != nil {
            // A re-execution keeps the parent's config of the steps it runs again.
            let planned = Set(plan.steps.map(\.key))
            config.ops = config.ops.filter { planned.contains($0.key) }
        }
        let stepConfigs = try config.validated(for: plan, in: graph)
        let partitions = try await RunPartitions.resolve(
            for: run.partitionRange, plan: plan, graph: graph, storage: storage, now: now)
        return PlannedRun(
            run: run, plan: plan, graph: graph, job: job, stepConfigs: stepConfigs, partitions: partitions)
    }

    /// The graph a stored run executes and the nodes it selects: its assets, or every op of its job.
    private func executedGraph(of run: Run) throws -> (graph: AssetGraph, selected: Set<Int>, job: Job?) {
        guard run.jobName != Run.assetJobName else {
            let graph = try definitions.assetGraph
            var selected = Set<Int>()
            for key in run.assetKeys {
                guard let index = graph.index(of: key) else { throw ReexecutionError.assetGone(key, run: run.id) }
                selected.insert(index)
            }
            return (graph, selected, nil)
        }
        _ = try definitions.assetGraph
        let job = try definitions.job(named: run.jobName)
        let graph = try job.graph()
        return (graph, Set(graph.nodes.indices), job)
    }

    /// The keys of the steps of a run that succeeded.
    private func succeededSteps(of runID: RunID, in storage: any EventLogStorage) async throws -> Set<String> {
        var succeeded = Set<String>()
        var cursor: Int64?
        while true {
            let page = try await storage.events(ofRun: runID, after: cursor, limit: 1000)
            for record in page where record.event.type == .stepSuccess {
                if let step = record.event.stepKey { succeeded.insert(step) }
            }
            guard page.count == 1000, let last = page.last else { return succeeded }
            cursor = last.id
        }
    }
}
