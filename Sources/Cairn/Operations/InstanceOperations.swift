import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a user can do to an instance, whichever face they use (the CLI, a page, GraphQL): launch
/// and re-execute runs, terminate them, launch, drive, cancel and retry backfills, start and stop
/// schedules and sensors, add and delete dynamic partitions, set pool limits. Each operation is
/// written once, here; the faces parse input and render output. Refusals are `UserError`s.
///
/// ```swift
/// let operations = InstanceOperations(definitions: definitions, storage: storage, launchedBy: "cli")
/// let run = try await operations.queueRun(.selection("group:weather"))
/// ```
public struct InstanceOperations: Sendable {
    /// The code location's definitions.
    public let definitions: Definitions
    /// Where runs, events and states are stored.
    public let storage: any InstanceStorage
    /// The IO manager of assets whose definitions name none, for runs executed in this process.
    public let defaultIOManager: any IOManager
    /// Who launches, as the `cairn/launched_by` tag of new runs: `cli`, `web`.
    public let launchedBy: String
    /// Called once runs were queued, so that a run queue in this process launches them at once.
    public let runsQueued: @Sendable () -> Void
    /// The current time.
    public let now: @Sendable () -> Date
    /// The environment variables resources read, and `CAIRN_ENV`, for runs executed in this process.
    public let environment: [String: String]

    /// The tag naming who launched a run.
    public static let launchedByTag = "cairn/launched_by"
    /// The tag of a backfill that retries the partitions another backfill did not succeed in.
    public static let retriedBackfillTag = "cairn/retried_backfill"

    /// Creates the operations over one code location and its storage.
    public init(
        definitions: Definitions, storage: any InstanceStorage, defaultIOManager: any IOManager = MemoryIOManager(),
        launchedBy: String, runsQueued: @escaping @Sendable () -> Void = {},
        now: @escaping @Sendable () -> Date = { Date() },
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.definitions = definitions
        self.storage = storage
        self.defaultIOManager = defaultIOManager
        self.launchedBy = launchedBy
        self.runsQueued = runsQueued
        self.now = now
        self.environment = environment
    }

    // MARK: Runs

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
        }
        return (record == nil ? try await storage.run(id)?.status ?? .canceled : .canceled, killed)
    }

    // MARK: Backfills

    /// Stores a backfill of the partitions of a selection with all its runs queued, in one
    /// transaction, for the daemon's backfill service or `driveBackfill` to launch.
    ///
    /// - Throws: `SelectionError`, `PartitionsError` or `PlanError` before anything is stored.
    public func launchBackfill(
        _ selection: String, partitions: PartitionSelection, tags: [String: String] = [:],
        runConfig: RunConfig = .empty
    ) async throws -> Backfill {
        let (backfill, runs) = try await BackfillPlanner(definitions: definitions).plan(
            selection, partitions: partitions, storage: storage, tags: launchTags(tags), runConfig: runConfig,
            now: now())
        try await storage.addBackfill(backfill, runs: runs)
        return backfill
    }

    /// Launches a backfill's queued runs in this process until every run has ended, as after its
    /// driver was killed: runs its dead driver had started are marked failed, never launched again.
    ///
    /// - Returns: the backfill as it ended.
    public func driveBackfill(
        _ id: BackfillID, maxConcurrentRuns: Int = 1,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) async throws -> Backfill {
        try await driver(maxConcurrentRuns: maxConcurrentRuns, maxConcurrency: maxConcurrency, observer: observer)
            .drive(id)
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
            runConfig: try RunConfig(backfill.runConfig ?? .null))
    }

    // MARK: Schedules and sensors

    /// Starts or stops a schedule, keeping its cursor; a started schedule's next tick is the first after now.
    ///
    /// - Returns: whether its status changed.
    /// - Throws: `OperationError.unknownSchedule`.
    @discardableResult
    public func setSchedule(_ name: String, running: Bool) async throws -> Bool {
        guard let schedule = definitions.schedules.first(where: { $0.name == name }) else {
            throw OperationError.unknownSchedule(name, known: definitions.schedules.map(\.name))
        }
        return try await storage.setStatus(
            running ? .running : .stopped, of: schedule.name, default: schedule.defaultStatus,
            restartingTicksAt: now())
    }

    /// Starts or stops a sensor, keeping its cursor.
    ///
    /// - Returns: whether its status changed.
    /// - Throws: `OperationError.unknownSensor`.
    @discardableResult
    public func setSensor(_ name: String, running: Bool) async throws -> Bool {
        guard let sensor = definitions.sensors.first(where: { $0.name == name }) else {
            throw OperationError.unknownSensor(name, known: definitions.sensors.map(\.name))
        }
        return try await storage.setStatus(
            running ? .running : .stopped, of: sensor.storageName, default: sensor.defaultStatus,
            restartingTicksAt: nil)
    }

    // MARK: Dynamic partitions

    /// The names of the dynamic partitions definitions of the code location's assets.
    public var dynamicPartitionsNames: [String] {
        let names = definitions.assets.flatMap(\.specs).compactMap(\.partitions).flatMap(\.dynamicNames)
        return Array(Set(names)).sorted()
    }

    /// Adds keys to a dynamic partitions definition of the code location; whitespace around each
    /// key is trimmed.
    ///
    /// - Returns: how many were new.
    /// - Throws: `OperationError` for an unknown definition or no key, `PartitionsError` for a key
    ///   that cannot be a partition key.
    @discardableResult
    public func addDynamicPartitions(_ keys: [String], to name: String) async throws -> Int {
        try await storage.addDynamicPartitions(try dynamicKeys(keys, of: name), to: name)
    }

    /// Deletes keys of a dynamic partitions definition of the code location.
    ///
    /// - Returns: how many existed.
    /// - Throws: the errors of `addDynamicPartitions`.
    @discardableResult
    public func deleteDynamicPartitions(_ keys: [String], from name: String) async throws -> Int {
        try await storage.deleteDynamicPartitions(try dynamicKeys(keys, of: name), from: name)
    }

    // MARK: Pools

    /// Sets how many steps of a pool may run at once across every run of the instance.
    ///
    /// - Throws: `ConcurrencyPoolError` for a negative limit or a bad name.
    public func setPoolLimit(_ limit: Int, for name: String) async throws {
        try await storage.setPoolLimit(limit, for: name)
    }

    /// Removes a pool's own limit; the default limit then applies.
    ///
    /// - Throws: `OperationError.noPoolLimit` when the pool has none.
    public func deletePoolLimit(_ name: String) async throws {
        guard try await storage.deletePoolLimit(name) else {
            let limited = try await storage.concurrencyPools().filter { $0.limit != nil }.map(\.name)
            throw OperationError.noPoolLimit(name, limited: limited)
        }
    }

    /// Sets, or removes with `nil`, the limit of pools that have none of their own.
    ///
    /// - Throws: `ConcurrencyPoolError` for a negative limit.
    public func setDefaultPoolLimit(_ limit: Int?) async throws {
        try await storage.setDefaultPoolLimit(limit)
    }

    // MARK: Helpers

    private var planner: RunPlanner { RunPlanner(definitions: definitions) }

    /// The tags of a run or backfill launched here: who launched it is this face, whatever the
    /// given tags (a retried backfill's, a user's) say.
    private func launchTags(_ tags: [String: String]) -> [String: String] {
        tags.merging([Self.launchedByTag: launchedBy]) { _, face in face }
    }

    private func execution(
        maxConcurrency: Int, clock: any Clock<Duration>, observer: (@Sendable (EventRecord) -> Void)?
    ) -> RunExecution {
        RunExecution(
            definitions: definitions, storage: storage, defaultIOManager: defaultIOManager,
            maxConcurrency: maxConcurrency, environment: environment, clock: clock, observer: observer)
    }

    private func driver(
        maxConcurrentRuns: Int = 1, maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) -> BackfillDriver {
        BackfillDriver(
            definitions: definitions, storage: storage, defaultIOManager: defaultIOManager,
            maxConcurrentRuns: maxConcurrentRuns, maxConcurrency: maxConcurrency, environment: environment,
            observer: observer)
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

    private func dynamicKeys(_ keys: [String], of name: String) throws -> [PartitionKey] {
        guard dynamicPartitionsNames.contains(name) else {
            throw OperationError.unknownDynamicPartitions(name, known: dynamicPartitionsNames)
        }
        let trimmed = keys.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !trimmed.isEmpty else { throw OperationError.noPartitionKeys }
        return try DynamicPartitions(name).validatedKeys(trimmed)
    }
}
