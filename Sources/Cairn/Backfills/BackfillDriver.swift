import Foundation

/// Carries out a stored backfill: launches its runs, each once a run producing the upstream
/// partitions it maps to has succeeded, up to a number at a time, until every run has ended;
/// handles cancellation. A driver either executes the runs in this process, or, with
/// `releasesToRunQueue`, queues each ready run (NOT_STARTED → QUEUED) for the run queue of any
/// daemon or worker on any host to launch, within the queue's limits, as Dagster's backfill daemon does.
///
/// Driving is safe to repeat and to run in several processes: a run is claimed with an atomic
/// NOT_STARTED → STARTING transition before it is launched (released with an atomic NOT_STARTED →
/// QUEUED one), so no run is ever launched twice. After a driver was killed, `drive` again
/// resumes: runs that the dead driver had started are marked failed (their process is gone), and
/// the waiting ones are launched.
public struct BackfillDriver: Sendable {
    /// The code location's definitions.
    public let definitions: Definitions
    /// The storage roles a driver uses: those of its runs' execution, and backfills.
    public typealias Storage = RunExecution.Storage & BackfillStorage

    /// Where the backfill and its runs are.
    public let storage: any Storage
    /// The IO manager of assets whose definitions name none.
    public let defaultIOManager: any IOManager
    /// How many runs of a backfill that sets no limit of its own (`Backfill.maxConcurrentRuns`)
    /// may execute at once.
    public let maxConcurrentRuns: Int
    /// How many steps each run may execute at once.
    public let maxConcurrency: Int
    /// The environment variables resources read.
    public let environment: [String: String]
    /// Called with each event of the backfill's runs once it is stored.
    public let observer: (@Sendable (EventRecord) -> Void)?
    /// Whether the driver marks failed the runs whose worker died (after a driver was killed):
    /// `backfill resume` does; in a daemon, run monitoring does, and resumes them with
    /// `--resume-dead-runs`, so that one owner decides for each run.
    public let failsRunsOfDeadWorkers: Bool
    /// Whether ready runs are queued for the run queue instead of executed in this process, the
    /// driver then watching them every `pollInterval` until they end.
    public let releasesToRunQueue: Bool
    /// How often a driver that releases runs to the run queue looks at them.
    public let pollInterval: Duration

    /// Creates a driver.
    public init(
        definitions: Definitions, storage: any Storage, defaultIOManager: any IOManager,
        maxConcurrentRuns: Int = 1, maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        failsRunsOfDeadWorkers: Bool = true, releasesToRunQueue: Bool = false,
        pollInterval: Duration = .seconds(1), observer: (@Sendable (EventRecord) -> Void)? = nil
    ) {
        self.releasesToRunQueue = releasesToRunQueue
        self.pollInterval = pollInterval
        self.definitions = definitions
        self.storage = storage
        self.defaultIOManager = defaultIOManager
        self.maxConcurrentRuns = max(1, maxConcurrentRuns)
        self.maxConcurrency = maxConcurrency
        self.environment = environment
        self.failsRunsOfDeadWorkers = failsRunsOfDeadWorkers
        self.observer = observer
    }

    /// Launches the backfill's queued runs until every run has ended, and records its final status.
    ///
    /// - Returns: the backfill as it ended.
    /// - Throws: `StorageError.unknownBackfill`, `DefinitionsError`, and storage errors.
    @discardableResult
    public func drive(_ id: BackfillID) async throws -> Backfill {
        guard var backfill = try await storage.backfill(id) else { throw StorageError.unknownBackfill(id) }
        guard !backfill.status.isTerminal else { return backfill }
        var state = try await BackfillState.load(
            backfill, definitions: definitions, storage: storage, waiting: waitingStatuses)
        if failsRunsOfDeadWorkers { try await failRunsOfDeadDrivers(&state) }
        if releasesToRunQueue {
            try await release(&backfill, &state)
        } else {
            try await execute(&backfill, &state)
        }
        let runs = try await BackfillState.runs(of: id, storage: storage)
        guard runs.allSatisfy(\.status.isTerminal) else {
            // Runs claimed by another live driver, or whose worker died and that run monitoring
            // has yet to fail, are still going; a later drive finishes the backfill.
            return backfill
        }
        backfill.status =
            backfill.status == .canceling
            ? .canceled : BackfillState.succeeded(runs) ? .completedSuccess : .completedFailed
        backfill.endedAt = Date()
        try await storage.updateBackfill(backfill)
        return backfill
    }

    /// The statuses of a run waiting for this driver.
    private var waitingStatuses: Set<RunStatus> { releasesToRunQueue ? [.notStarted] : [.notStarted, .queued] }

    /// Executes the backfill's ready runs in this process, a number at a time, until none is left to launch.
    private func execute(_ backfill: inout Backfill, _ state: inout BackfillState) async throws {
        let id = backfill.id
        try await withThrowingTaskGroup(of: (Int, RunStatus).self) { group in
            var running = 0
            while true {
                backfill = try await storage.backfill(id) ?? backfill
                if backfill.status == .canceling {
                    for index in state.queued { try await cancel(&state, index, reason: "the backfill was canceled") }
                } else {
                    while running < backfill.maxConcurrentRuns ?? maxConcurrentRuns,
                        let index = try await nextReadyRun(&state)
                    {
                        guard try await claim(state.runs[index]) else {
                            let current = try await storage.run(state.runs[index].id)?.status ?? .starting
                            state.finish(index, with: current == .queued ? .starting : current)
                            continue
                        }
                        state.finish(index, with: .started)
                        let run = state.runs[index]
                        let execution = RunExecution(
                            definitions: definitions, storage: storage, defaultIOManager: defaultIOManager,
                            maxConcurrency: maxConcurrency, environment: environment, observer: observer)
                        group.addTask { (index, try await execution.executeClaimed(run).status) }
                        running += 1
                    }
                }
                guard running > 0, let (index, status) = try await group.next() else { break }
                running -= 1
                state.finish(index, with: status)
            }
        }
    }

    /// Queues the backfill's ready runs for the run queue, a number at a time, and watches them
    /// every `pollInterval`, until none is left to release and every released run has ended.
    private func release(_ backfill: inout Backfill, _ state: inout BackfillState) async throws {
        var inFlight = state.released
        while true {
            backfill = try await storage.backfill(backfill.id) ?? backfill
            if backfill.status == .canceling {
                for index in state.queued { try await cancel(&state, index, reason: "the backfill was canceled") }
            } else {
                while inFlight.count < backfill.maxConcurrentRuns ?? maxConcurrentRuns,
                    let index = try await nextReadyRun(&state)
                {
                    let event = Event(
                        .runEnqueued, runID: state.runs[index].id,
                        message: "Queued by backfill \(backfill.id): the partitions it depends on are done.")
                    if let record = try await storage.transition(event, from: [.notStarted]) {
                        observer?(record)
                        state.finish(index, with: .queued)
                    } else {
                        let current = try await storage.run(state.runs[index].id)?.status ?? .queued
                        state.finish(index, with: current == .notStarted ? .queued : current)
                    }
                    inFlight.insert(index)
                }
            }
            guard !inFlight.isEmpty else { return }
            try await Task.sleep(for: pollInterval)
            var failed = false
            for index in inFlight.sorted() {
                guard let run = try await storage.run(state.runs[index].id), run.status.isTerminal else { continue }
                guard run.status == .success else {
                    failed = true
                    continue
                }
                state.finish(index, with: run.status)
                inFlight.remove(index)
            }
            if failed {
                // A run that failed may be resumed by run monitoring (its worker died), in the same
                // round that failed it: the state is read again a poll later, with the resumptions,
                // so that the partitions downstream of a resumed run wait for it instead of being canceled.
                try await Task.sleep(for: pollInterval)
                state = try await BackfillState.load(
                    backfill, definitions: definitions, storage: storage, waiting: waitingStatuses)
                inFlight = state.released
            }
        }
    }

    /// Asks a backfill to stop: queued runs are canceled at once when no driver runs it; a
    /// driving process cancels them and lets running runs finish.
    public func cancel(_ id: BackfillID) async throws -> Backfill {
        guard var backfill = try await storage.backfill(id) else { throw StorageError.unknownBackfill(id) }
        guard !backfill.status.isTerminal else { return backfill }
        backfill.status = .canceling
        try await storage.updateBackfill(backfill)
        var state = try await BackfillState.load(
            backfill, definitions: definitions, storage: storage, waiting: waitingStatuses)
        for index in state.queued { try await cancel(&state, index, reason: "the backfill was canceled") }
        try await failRunsOfDeadDrivers(&state)
        if try await BackfillState.runs(of: id, storage: storage).allSatisfy(\.status.isTerminal) {
            backfill.status = .canceled
            backfill.endedAt = Date()
            try await storage.updateBackfill(backfill)
        }
        return backfill
    }

    /// The next queued run whose upstream partitions are done, canceling on the way runs whose
    /// upstream partitions failed.
    private func nextReadyRun(_ state: inout BackfillState) async throws -> Int? {
        for index in state.queued {
            switch state.readiness(of: index) {
            case .ready: return index
            case .waiting: continue
            case .blocked(let reason): try await cancel(&state, index, reason: reason)
            }
        }
        return nil
    }

    /// Claims a waiting run for this process: NOT_STARTED (or QUEUED) → STARTING, atomically.
    private func claim(_ run: Run) async throws -> Bool {
        let event = Event(
            .runStarting, runID: run.id, message: "Launched by backfill \(run.tags[Backfill.tag] ?? "")",
            metadata: RunWorker.current.metadata)
        guard let record = try await storage.transition(event, from: waitingStatuses) else { return false }
        observer?(record)
        return true
    }

    private func cancel(_ state: inout BackfillState, _ index: Int, reason: String) async throws {
        let event = Event(.runCanceled, runID: state.runs[index].id, level: .warning, message: "Canceled: \(reason)")
        if let record = try await storage.transition(event, from: [.queued, .notStarted]) {
            observer?(record)
            state.finish(index, with: .canceled)
        } else if let run = try await storage.run(state.runs[index].id) {
            state.status[index] = run.status
        }
    }

    /// Marks failed the runs of the backfill that a process claimed but which are not ended while
    /// that process is gone.
    private func failRunsOfDeadDrivers(_ state: inout BackfillState) async throws {
        for index in state.runs.indices where [.starting, .started].contains(state.status[index]) {
            let runID = state.runs[index].id
            guard let worker = try await RunWorker.latest(of: state.runs[index], in: storage), !worker.isAlive
            else { continue }
            let event = Event(
                .runFailure, runID: runID, level: .error,
                message: "The process that ran this run (\(worker)) is gone; marked failed. "
                    + "Once the backfill has ended, `backfill retry` backfills its partitions again.")
            if let record = try await storage.transition(event, from: [.starting, .started]) {
                observer?(record)
                state.finish(index, with: .failure)
            }
        }
    }
}
