import Foundation

extension Definitions {
    /// Materializes the assets matched by a selection as a new run, stored in `storage`, and runs
    /// their checks.
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
        storage: any InstanceStorage,
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
        let graph = try assetGraph
        var selected = try AssetSelection.parse(selection).resolve(in: graph)
        if staleOrMissingOnly {
            selected = try await graph.staleOrMissing(in: selected, storage: storage)
            guard !selected.isEmpty else { throw PlanError.nothingStale }
        }
        let plan = try ExecutionPlan(graph: graph, selected: selected, scope: scope)
        var tags = tags
        if let range = partitionRange ?? partition.map({ PartitionKeyRange($0, $0) }) {
            tags.merge(Run.partitionTags(range)) { _, new in new }
        }
        let run = Run(selection: selection, assetKeys: plan.assetKeys, tags: tags, runConfig: runConfig.json)
        return try await launch(
            run, plan: plan, graph: graph, storage: storage, defaultIOManager: ioManager ?? defaultIOManager,
            maxConcurrency: maxConcurrency, environment: environment, clock: clock, observer: observer)
    }

    /// Runs an earlier run again as a new run that records it as its parent: all of its steps, or
    /// only those that did not succeed, loading the outputs of the others through their IO managers.
    ///
    /// - Parameters:
    ///   - parentID: the run to re-execute.
    ///   - fromFailure: only the steps that failed, were skipped or never ran.
    ///   - selection: only the parent's assets that match this selection.
    ///   - runConfig: config to use instead of the parent's, as when a re-execution corrects it.
    /// - Throws: `ReexecutionError` when the parent is unknown, still running, or has nothing to
    ///   re-execute; the errors of `materialize` otherwise.
    public func reexecute(
        _ parentID: RunID,
        fromFailure: Bool,
        selection: String? = nil,
        storage: any InstanceStorage,
        defaultIOManager: any IOManager,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        tags: [String: String] = [:],
        runConfig: RunConfig? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(),
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> RunResult {
        let reexecution = try await reexecution(
            of: parentID, fromFailure: fromFailure, selection: selection, storage: storage, tags: tags,
            runConfig: runConfig)
        return try await launch(
            reexecution.run, plan: reexecution.plan, graph: reexecution.graph, storage: storage,
            defaultIOManager: ioManager(of: reexecution.job, default: defaultIOManager), maxConcurrency: maxConcurrency,
            environment: environment, clock: clock, observer: observer)
    }

    /// Stores a re-execution of an earlier run as a QUEUED run, for the run queue to launch, as run
    /// monitoring does to resume a run whose worker died: the run's steps are planned now, and
    /// those to execute recorded in its `Run.stepSelectionTag`.
    ///
    /// - Parameters:
    ///   - parentID: the run to re-execute.
    ///   - fromFailure: only the steps that failed, were skipped or never ran.
    ///   - tags: tags of the new run besides the parent's.
    /// - Returns: the queued run.
    /// - Throws: `ReexecutionError` when the parent is unknown, still running, or has nothing to
    ///   re-execute; `PlanError` or `JobError` when its assets or job cannot be planned anymore.
    @discardableResult
    public func queueReexecution(
        of parentID: RunID, fromFailure: Bool, storage: any RunStorage & EventLogStorage,
        tags: [String: String] = [:]
    ) async throws -> Run {
        let reexecution = try await reexecution(
            of: parentID, fromFailure: fromFailure, selection: nil, storage: storage, tags: tags, runConfig: nil)
        var run = reexecution.run
        run.status = .queued
        // The parent's process executes nothing of the new run.
        run.tags[RunWorker.pidKey] = nil
        run.tags[RunWorker.hostKey] = nil
        if fromFailure {
            run.tags[Run.stepSelectionTag] = try Run.stepSelection(reexecution.plan.steps.map(\.key))
        }
        try await storage.addRun(run)
        return run
    }

    /// The new run of a re-execution of `parentID`, its plan and graph, and its job for a job's
    /// run; a parent whose recorded process is gone is marked failed first.
    private func reexecution(
        of parentID: RunID, fromFailure: Bool, selection: String?, storage: any RunStorage & EventLogStorage,
        tags: [String: String], runConfig: RunConfig?
    ) async throws -> (run: Run, plan: ExecutionPlan, graph: AssetGraph, job: Job?) {
        guard var parent = try await storage.run(parentID) else { throw ReexecutionError.unknownRun(parentID) }
        if !parent.status.isTerminal, let worker = RunWorker(tagsOf: parent), !worker.isAlive {
            try await storage.append([
                Event(
                    .runFailure, runID: parentID, level: .error,
                    message:
                        "The process that ran this run (pid \(worker.pid) on \(worker.host)) is gone; marked failed.")
            ])
            parent = try await storage.run(parentID) ?? parent
        }
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
            let planned = try ExecutionPlan(graph: graph, selected: selected).steps.map(\.key)
            let succeeded = try await succeededSteps(of: parentID, in: storage)
            stepKeys = Set(planned).subtracting(succeeded)
            guard !stepKeys!.isEmpty else { throw ReexecutionError.nothingFailed(parentID) }
        }
        let plan = try ExecutionPlan(graph: graph, selected: selected, stepKeys: stepKeys)
        let root = parent.rootRunID ?? parent.id
        let run = Run(
            jobName: parent.jobName, selection: selection ?? parent.selection,
            assetKeys: parent.jobName == Run.assetJobName ? plan.assetKeys : [],
            tags: parent.tags.filter { $0.key != Run.stepSelectionTag }.merging(tags) { _, new in new }.merging([
                "cairn/parent_run_id": parent.id.rawValue, "cairn/root_run_id": root.rawValue,
            ]) { _, new in new },
            runConfig: runConfig?.json ?? parent.runConfig, parentRunID: parent.id, rootRunID: root)
        return (run, plan, graph, job)
    }

    /// The graph a stored run executes and the nodes it selects: its assets, or every op of its job.
    private func executedGraph(of run: Run) throws -> (graph: AssetGraph, selected: Set<Int>, job: Job?) {
        guard run.jobName != Run.assetJobName else {
            let graph = try assetGraph
            var selected = Set<Int>()
            for key in run.assetKeys {
                guard let index = graph.index(of: key) else { throw ReexecutionError.assetGone(key, run: run.id) }
                selected.insert(index)
            }
            return (graph, selected, nil)
        }
        _ = try assetGraph
        let job = try job(named: run.jobName)
        let graph = try job.graph()
        return (graph, Set(graph.nodes.indices), job)
    }

    /// The IO manager of the values a run passes between steps: its job's (in memory unless the
    /// job names one), or these Definitions' for assets, or `defaultIOManager`.
    private func ioManager(of job: Job?, default defaultIOManager: any IOManager) -> any IOManager {
        guard let job else { return ioManager ?? defaultIOManager }
        return job.ioManager ?? MemoryIOManager()
    }

    /// Runs an op job as a new run: every op, intermediate outputs in memory unless an op names an
    /// IO manager.
    ///
    /// - Throws: `JobError.unknownJob`, `DefinitionsError`, `ConfigError` or `ResourceError` before
    ///   the run is created; storage errors when events cannot be stored.
    public func execute(
        job name: String,
        storage: any InstanceStorage,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        tags: [String: String] = [:],
        runConfig: RunConfig = .empty,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(),
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> RunResult {
        _ = try assetGraph
        let job = try job(named: name)
        let graph = try job.graph()
        let plan = try ExecutionPlan(graph: graph, selected: Set(graph.nodes.indices), scope: .assetsOnly)
        let run = Run(jobName: job.name, assetKeys: [], tags: tags, runConfig: runConfig.json)
        return try await launch(
            run, plan: plan, graph: graph, storage: storage, defaultIOManager: job.ioManager ?? MemoryIOManager(),
            maxConcurrency: maxConcurrency, environment: environment, clock: clock, observer: observer)
    }

    /// Executes a stored run that this process claimed from the queue (its RUN_STARTING is stored),
    /// as the backfill driver does: its assets, its partitions (from its tags), its run config.
    ///
    /// A run of a job executes the job's ops; a run with a `Run.stepSelectionTag` (a queued
    /// re-execution from failure) only those steps. A problem found before the first step (an
    /// asset no longer defined, a partition that no longer exists, a missing resource) ends the run
    /// as failed with that error.
    ///
    /// - Parameter heartbeatInterval: how often the run's heartbeat is recorded, and its status
    ///   read to cancel it once `terminate` asks it to stop.
    public func executeClaimedRun(
        _ run: Run, storage: any InstanceStorage, defaultIOManager: any IOManager,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(), heartbeatInterval: Duration = RunHeartbeat.defaultInterval,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> RunResult {
        do {
            let (graph, selected, job) = try executedGraph(of: run)
            let plan = try ExecutionPlan(
                graph: graph, selected: selected, scope: job == nil ? .assetsAndChecks : .assetsOnly,
                stepKeys: try run.stepSelection())
            return try await launch(
                run, plan: plan, graph: graph, storage: storage,
                defaultIOManager: ioManager(of: job, default: defaultIOManager),
                maxConcurrency: maxConcurrency, environment: environment, clock: clock,
                heartbeatInterval: heartbeatInterval, observer: observer, isStored: true)
        } catch let error where !(error is StorageError) {
            let records = try await storage.append([
                Event(
                    .runFailure, runID: run.id, level: .error,
                    message: "Execution of run failed before any step: \(error)", error: ErrorInfo(error))
            ])
            if let observer { records.forEach(observer) }
            return RunResult(runID: run.id, status: .failure, steps: [], duration: .zero)
        }
    }

    /// The job with this name.
    func job(named name: String) throws(JobError) -> Job {
        guard let job = jobs.first(where: { $0.name == name }) else {
            throw JobError.unknownJob(name, known: jobs.map(\.name))
        }
        return job
    }

    /// Checks the resources the plan needs, stores the run (unless `isStored`) and executes its
    /// plan with its heartbeat loop beside it, then brings the partition status of its partitioned
    /// assets up to date.
    ///
    /// An unknown `CAIRN_ENV` or a missing environment variable is an error before the run exists.
    private func launch(
        _ run: Run, plan: ExecutionPlan, graph: AssetGraph, storage: any InstanceStorage,
        defaultIOManager: any IOManager,
        maxConcurrency: Int, environment: [String: String], clock: any Clock<Duration>,
        heartbeatInterval: Duration = RunHeartbeat.defaultInterval, observer: (@Sendable (EventRecord) -> Void)?,
        isStored: Bool = false
    ) async throws -> RunResult {
        let resources = try self.resources.resolved(from: environment)
        let missing = resources.missingEnvironmentVariables(for: plan.resourceKeys(in: graph), in: environment)
        guard missing.isEmpty else { throw ResourceError.missingEnvironmentVariables(missing) }
        var runConfig = try RunConfig(run.runConfig ?? .null)
        if run.parentRunID != nil {
            // A re-execution keeps the parent's config of the steps it runs again.
            let planned = Set(plan.steps.map(\.key))
            runConfig.ops = runConfig.ops.filter { planned.contains($0.key) }
        }
        let stepConfigs = try Self.stepConfigs(of: plan, in: graph, runConfig: runConfig)
        let partitions = try await Self.runPartitions(
            for: run.partitionRange, plan: plan, graph: graph, storage: storage, now: Date())
        if !isStored {
            var run = run
            run.tags.merge(RunWorker.current.tags) { _, new in new }
            if let name = resources.selectedEnvironment { run.tags["cairn/environment"] = name }
            try await storage.addRun(run)
        }
        let executor = Executor(
            graph: graph, storage: storage, defaultIOManager: defaultIOManager,
            maxConcurrency: maxConcurrency, defaultRetryPolicy: retryPolicy, resources: resources,
            environment: environment, stepConfigs: stepConfigs, partitions: partitions, clock: clock,
            observer: observer)
        let heartbeats = RunHeartbeatLoop(
            runID: run.id, storage: storage, interval: heartbeatInterval, worker: RunWorker.current)
        let result = try await heartbeats.supervise(observer: observer) {
            try await executor.execute(plan, runID: run.id)
        }
        for (key, _) in partitions?.targets ?? [:] {
            guard let space = partitions?.spaces[key] else { continue }
            _ = try await Self.updatedPartitionStatus(of: key, space: space, storage: storage)
        }
        return result
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

/// Why a run cannot be re-executed.
public enum ReexecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No run has this id.
    case unknownRun(RunID)
    /// An asset of the run is no longer defined.
    case assetGone(AssetKey, run: RunID)
    /// The run did not fail, so there is no failure to re-execute from.
    case notFailed(RunID, RunStatus)
    /// Every step of the run succeeded.
    case nothingFailed(RunID)
    /// The run's `Run.stepSelectionTag` is not a JSON array of step keys.
    case badStepSelection(RunID, String)

    /// What went wrong and what to do instead.
    public var description: String {
        switch self {
        case .unknownRun(let id):
            "there is no run with id \(id); 'runs' lists the runs there are"
        case .assetGone(let key, let run):
            "run \(run) materialized '\(key)', which is no longer defined; re-execute a selection without it "
                + "(--select) or start a new run with 'materialize'"
        case .notFailed(let id, let status) where status.isTerminal:
            "run \(id) ended \(status.rawValue), so there is nothing to re-execute from failure; "
                + "re-execute all of it without --from-failure"
        case .notFailed(let id, let status):
            "run \(id) is \(status.rawValue) and its process is still alive; wait for it to end, or terminate it first"
        case .nothingFailed(let id):
            "every step of run \(id) succeeded; re-execute all of it without --from-failure"
        case .badStepSelection(let id, let text):
            "run \(id) has the tag \(Run.stepSelectionTag)='\(text)', which is not a JSON array of step keys "
                + "such as [\"orders\"]; remove the tag to execute all of the run's steps"
        }
    }
}

/// Why a job cannot be run.
public enum JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No job has this name; `known` are the names there are.
    case unknownJob(String, known: [String])

    /// What went wrong and what to do instead.
    public var description: String {
        switch self {
        case .unknownJob(let name, let known):
            if let suggestion = NearestName.suggestion(for: name, among: known) {
                "there is no job named '\(name)'; did you mean '\(suggestion)'?"
            } else if known.isEmpty {
                "there is no job named '\(name)'; this code location defines no jobs"
            } else {
                "there is no job named '\(name)'; the jobs are \(known.sorted().joined(separator: ", "))"
            }
        }
    }
}
