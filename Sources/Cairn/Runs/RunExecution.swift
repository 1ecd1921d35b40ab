import Foundation

/// Executes planned runs in this process: checks the resources they need, stores the run, executes
/// its steps with its heartbeat beside it, then refreshes the stored partition status of its
/// partitioned assets. The one place a run is executed, whoever launched it: `materialize`, a
/// re-execution, the run queue, a backfill, `execute-run` in a child process.
///
/// ```swift
/// let execution = RunExecution(definitions: definitions, storage: storage, defaultIOManager: io)
/// let result = try await execution.execute(try await RunPlanner(definitions: definitions).plan(.job("nightly"), storage: storage))
/// ```
public struct RunExecution: Sendable {
    /// The storage roles a run's execution uses: its run, events, heartbeats, pool slots,
    /// dynamic partitions and partition status.
    public typealias Storage = RunStorage & EventLogStorage & HeartbeatStorage & ConcurrencyPoolStorage
        & DynamicPartitionsStorage & PartitionStatusStorage

    /// The code location's definitions: their resources, retry policy and IO manager.
    public let definitions: Definitions
    /// Where the run and its events are stored.
    public let storage: any Storage
    /// The IO manager of assets whose definitions, and the definitions, name none.
    public let defaultIOManager: any IOManager
    /// How many steps may run at once.
    public let maxConcurrency: Int
    /// The environment variables resources read, and `CAIRN_ENV`.
    public let environment: [String: String]
    /// What retries wait on; tests pass one that does not sleep.
    public let clock: any Clock<Duration>
    /// How often the run records its heartbeat and reads its status, to stop once terminated.
    public let heartbeatInterval: Duration
    /// Called with each event once it is stored.
    public let observer: (@Sendable (EventRecord) -> Void)?

    /// Creates the execution settings of runs of one code location.
    public init(
        definitions: Definitions, storage: any Storage, defaultIOManager: any IOManager,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        clock: any Clock<Duration> = ContinuousClock(), heartbeatInterval: Duration = RunHeartbeat.defaultInterval,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) {
        self.definitions = definitions
        self.storage = storage
        self.defaultIOManager = defaultIOManager
        self.maxConcurrency = maxConcurrency
        self.environment = environment
        self.clock = clock
        self.heartbeatInterval = heartbeatInterval
        self.observer = observer
    }

    /// Stores a planned run and executes it.
    ///
    /// Once storage refuses the run's events because the run ended meanwhile (terminated, or
    /// declared dead while this process was paused), execution stops at once: its steps in flight
    /// are canceled, and the result is the run's stored status.
    ///
    /// - Returns: how the run ended; a failed step is a failed run, not an error.
    /// - Throws: `ResourceError` for an unknown `CAIRN_ENV` or a missing environment variable,
    ///   before the run is stored; storage errors when events cannot be stored.
    public func execute(_ planned: PlannedRun) async throws -> RunResult {
        try await execute(planned, isStored: false)
    }

    /// Executes a stored run that this process claimed from the queue (its RUN_STARTING is
    /// stored). A problem found before the first step (an asset no longer defined, a partition
    /// that no longer exists, a missing resource) ends the run as failed with that error.
    public func executeClaimed(_ run: Run) async throws -> RunResult {
        do {
            let planned = try await RunPlanner(definitions: definitions).plan(stored: run, storage: storage)
            return try await execute(planned, isStored: true)
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

    private func execute(_ planned: PlannedRun, isStored: Bool) async throws -> RunResult {
        let resources = try definitions.resources.resolved(from: environment)
        let missing = resources.missingEnvironmentVariables(
            for: planned.plan.resourceKeys(in: planned.graph), in: environment)
        guard missing.isEmpty else { throw ResourceError.missingEnvironmentVariables(missing) }
        let run = planned.run
        if !isStored {
            var run = run
            run.tags.merge(RunWorker.current.tags) { _, new in new }
            if let name = resources.selectedEnvironment { run.tags["cairn/environment"] = name }
            try await storage.addRun(run)
        }
        if let notes = planned.partitions?.nonexistentUpstream, !notes.isEmpty {
            let records = try await storage.append(
                notes.map { Event(.engineEvent, runID: run.id, level: .warning, message: $0) })
            if let observer { records.forEach(observer) }
        }
        var configured = Executor(
            graph: planned.graph, storage: storage, defaultIOManager: ioManager(of: planned),
            maxConcurrency: maxConcurrency, defaultRetryPolicy: definitions.retryPolicy, resources: resources,
            environment: environment, stepConfigs: planned.stepConfigs, partitions: planned.partitions, clock: clock,
            observer: observer)
        configured.jobName = run.jobName
        let executor = configured
        let heartbeats = RunHeartbeatLoop(
            runID: run.id, storage: storage, interval: heartbeatInterval, worker: RunWorker.current)
        let result: RunResult
        do {
            result = try await heartbeats.supervise(observer: observer) {
                try await executor.execute(planned.plan, runID: run.id)
            }
        } catch StorageError.runEnded(let id, let status) where id == run.id {
            return RunResult(runID: run.id, status: status, steps: [], duration: .zero)
        }
        for (key, _) in planned.partitions?.targets ?? [:] {
            guard let space = planned.partitions?.spaces[key] else { continue }
            try await AssetPartitionStatus.refreshStored(of: key, space: space, storage: storage)
        }
        return result
    }

    /// The IO manager of the values a run passes between steps: its job's (in memory unless the
    /// job names one), or the definitions' for assets, or `defaultIOManager`.
    private func ioManager(of planned: PlannedRun) -> any IOManager {
        guard let job = planned.job else { return definitions.ioManager ?? defaultIOManager }
        return job.ioManager ?? MemoryIOManager()
    }
}
