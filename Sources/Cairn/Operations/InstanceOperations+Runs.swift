import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension InstanceOperations {
    /// The run `queueRun` would queue, after the same checks, without queueing it: what a
    /// launchpad's "validate" shows.
    public func validateRun(
        _ target: Schedule.Target, partitionRange: PartitionKeyRange? = nil, staleOrMissingOnly: Bool = false,
        tags: [String: String] = [:], runConfig: RunConfig = .empty
    ) async throws -> Run {
        try await planner.plan(
            target, partitionRange: partitionRange, staleOrMissingOnly: staleOrMissingOnly, tags: launchTags(tags),
            runConfig: runConfig, status: .queued, storage: storage, now: now()
        ).run
    }

    /// Queues a run of a selection or a job for the run queue, after checking its selection or
    /// job, plan, partitions and run config.
    ///
    /// - Throws: `SelectionError`, `JobError`, `PlanError` (also when nothing is stale),
    ///   `PartitionsError` or `ConfigError` before the run is stored; storage errors.
    public func queueRun(
        _ target: Schedule.Target, partitionRange: PartitionKeyRange? = nil, staleOrMissingOnly: Bool = false,
        tags: [String: String] = [:], runConfig: RunConfig = .empty
    ) async throws -> Run {
        let run = try await validateRun(
            target, partitionRange: partitionRange, staleOrMissingOnly: staleOrMissingOnly, tags: tags,
            runConfig: runConfig)
        try await storage.addRun(run)
        runsQueued()
        return run
    }

    /// Executes a run of a selection or a job in this process, as `materialize`, `check`,
    /// `observe` and `execute` do.
    ///
    /// - Returns: how the run ended; a failed step is a failed run, not an error.
    /// - Throws: the errors of `queueRun` and `ResourceError` before the run is stored.
    public func execute(
        _ target: Schedule.Target, scope: ExecutionPlan.Scope = .assetsAndChecks,
        partitionRange: PartitionKeyRange? = nil, staleOrMissingOnly: Bool = false, tags: [String: String] = [:],
        runConfig: RunConfig = .empty, maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        clock: any Clock<Duration> = ContinuousClock(), observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> RunResult {
        let planned = try await planner.plan(
            target, scope: scope, partitionRange: partitionRange, staleOrMissingOnly: staleOrMissingOnly,
            tags: launchTags(tags), runConfig: runConfig, storage: storage, now: now())
        return try await execution(maxConcurrency: maxConcurrency, clock: clock, observer: observer).execute(planned)
    }

    /// Executes a re-execution of an ended run in this process: all of its steps, or only those
    /// that did not succeed, loading the outputs of the others through their IO managers. A parent
    /// whose recorded process is gone is marked failed first.
    ///
    /// - Parameters:
    ///   - selection: only the parent's assets that match this selection.
    ///   - runConfig: config to use instead of the parent's, as when a re-execution corrects it.
    /// - Throws: `ReexecutionError` when the parent is unknown, still running, or has nothing to
    ///   re-execute; the errors of `execute` otherwise.
    public func reexecute(
        _ parentID: RunID, fromFailure: Bool, selection: String? = nil, tags: [String: String] = [:],
        runConfig: RunConfig? = nil, maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        clock: any Clock<Duration> = ContinuousClock(), observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> RunResult {
        try await failRunOfDeadWorker(parentID)
        let planned = try await planner.planReexecution(
            of: parentID, fromFailure: fromFailure, selection: selection, tags: launchTags(tags), runConfig: runConfig,
            storage: storage, now: now())
        return try await execution(maxConcurrency: maxConcurrency, clock: clock, observer: observer).execute(planned)
    }

    /// Queues a re-execution of an ended run for the run queue; a re-execution from failure names
    /// its steps in its `Run.stepSelectionTag`.
    ///
    /// - Throws: the errors of `reexecute`.
    @discardableResult
    public func queueReexecution(of parentID: RunID, fromFailure: Bool, tags: [String: String] = [:])
        async throws -> Run
    {
        try await failRunOfDeadWorker(parentID)
        let run = try await planner.planReexecution(
            of: parentID, fromFailure: fromFailure, tags: launchTags(tags), status: .queued, storage: storage,
            now: now()
        ).run
        try await storage.addRun(run)
        runsQueued()
        return run
    }

    /// Asks a run to stop: a queued run is canceled at once; a running one is marked CANCELING,
    /// which its worker reads at its next heartbeat and cancels the run, and its own process on
    /// this host is sent SIGTERM; a run whose own process on this host is gone is marked CANCELED
    /// at once. An ended run is left as it is.
    ///
    /// - Throws: `OperationError.unknownRun`.
    public func terminate(_ id: RunID) async throws -> Termination {
        try await RunTerminator(storage: storage, requester: launchedBy).terminate(id)
    }

    /// Waits up to `grace` for a run asked to stop to end; then marks it CANCELED and kills its
    /// signalled process with SIGKILL.
    ///
    /// - Returns: the run's status at the end, and the process killed with SIGKILL, if any.
    public func awaitTermination(of termination: Termination, grace: Duration) async throws
        -> (status: RunStatus, killed: RunWorker?)
    {
        try await RunTerminator(storage: storage, requester: launchedBy).awaitTermination(
            of: termination, grace: grace)
    }

    /// The execution of runs in this process.
    private func execution(
        maxConcurrency: Int, clock: any Clock<Duration>, observer: (@Sendable (EventRecord) -> Void)?
    ) -> RunExecution {
        RunExecution(
            definitions: definitions, storage: storage, defaultIOManager: defaultIOManager,
            maxConcurrency: maxConcurrency, environment: environment, clock: clock, observer: observer)
    }

    /// Marks a run failed whose recorded process is gone while the run has not ended, so that it
    /// can be re-executed.
    private func failRunOfDeadWorker(_ id: RunID) async throws {
        guard let run = try await storage.run(id), !run.status.isTerminal, let worker = RunWorker(tagsOf: run),
            !worker.isAlive
        else { return }
        _ = try await storage.transition(
            Event(
                .runFailure, runID: id, level: .error,
                message: "The process that ran this run (pid \(worker.pid) on \(worker.host)) is gone; marked failed."),
            from: [.notStarted, .queued, .starting, .started, .canceling])
    }
}
