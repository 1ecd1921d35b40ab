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
        guard let (run, canceledBeforeRunning) = try await storage.requestTermination(of: id, by: launchedBy) else {
            throw OperationError.unknownRun(id)
        }
        if canceledBeforeRunning { return Termination(run: run, outcome: .canceledBeforeRunning) }
        if run.status.isTerminal { return Termination(run: run, outcome: .alreadyEnded) }
        // Only a process that executes this run alone, on this host, may be signalled; a daemon
        // executing it in-process among others must not be.
        let dedicated = try await RunWorker.latest(of: run, in: storage, executingOnly: true)
        if let dedicated, dedicated.isLocal {
            guard dedicated.isAlive else {
                let canceled = Event(
                    .runCanceled, runID: id, level: .warning,
                    message: "Terminated by \(launchedBy): the run's process (\(dedicated)) is gone.")
                _ = try await storage.transition(canceled, from: [.starting, .started, .canceling])
                // What its steps started must not go on alone.
                await ExternalProcessGroup.killLeftovers(of: id, in: storage)
                return Termination(run: try await storage.run(id) ?? run, outcome: .workerGone(dedicated))
            }
            kill(dedicated.pid, SIGTERM)
            return Termination(run: run, outcome: .signalled(dedicated))
        }
        let executor = try await RunWorker.latest(of: run, in: storage)
        return Termination(run: run, outcome: .delegated(to: executor, inProcess: dedicated == nil))
    }

    /// Waits up to `grace` for a run asked to stop to end; then marks it CANCELED and kills its
    /// signalled process with SIGKILL.
    ///
    /// - Returns: the run's status at the end, and the process killed with SIGKILL, if any.
    public func awaitTermination(of termination: Termination, grace: Duration) async throws
        -> (status: RunStatus, killed: RunWorker?)
    {
        let id = termination.run.id
        var worker: RunWorker?
        switch termination.outcome {
        case .canceledBeforeRunning, .alreadyEnded, .workerGone: return (termination.run.status, nil)
        case .signalled(let signalled): worker = signalled
        case .delegated: break
        }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if let current = try await storage.run(id), current.status.isTerminal { return (current.status, nil) }
            try await Task.sleep(for: .milliseconds(100))
        }
        let canceled = Event(
            .runCanceled, runID: id, level: .warning,
            message: worker == nil
                ? "Terminated: the run did not stop within \(grace) of being asked to; its worker, if alive, "
                    + "stops it at its next heartbeat."
                : "Terminated: the run did not stop within \(grace) of being asked to; its process was killed.")
        let record = try await storage.transition(canceled, from: [.starting, .started, .canceling])
        var killed: RunWorker?
        if let worker, worker.isAlive {
            kill(worker.pid, SIGKILL)
            killed = worker
            await ExternalProcessGroup.killLeftovers(of: id, in: storage)
        }
        return (record == nil ? try await storage.run(id)?.status ?? .canceled : .canceled, killed)
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
