import Cairn
import Foundation
import Logging
import ServiceLifecycle

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Run monitoring: every interval, marks FAILURE the runs in progress whose worker is dead, and
/// the runs that stayed STARTING longer than a timeout, so that no run is left stuck; optionally
/// queues a re-execution from failure of each run it failed. Terminates, as `terminate` does, the
/// runs started longer ago than their maximum runtime: their `cairn/max_runtime` tag, else
/// `maxRuntime`; and ends the runs still CANCELING `terminationGrace` after they were asked to
/// stop, whatever asked, killing their process on this host.
///
/// A worker is dead when its heartbeats stopped (`RunHeartbeat`) for longer than
/// `heartbeatTimeout`, on any host, or at once when its process on this host is gone. A run's
/// process is the latest one recorded for it: the one that claimed it (RUN_STARTING), a child
/// process launched for it or `execute-run` (ENGINE_EVENT), or the process in its tags. Runs are
/// failed with a transition from STARTING, STARTED or CANCELING, so that an ended run never
/// changes.
public actor RunMonitorService: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public nonisolated var description: String { "run_monitoring" }

    /// The tag of a run that resumes a dead run: which attempt it is, from 1.
    public static let resumeAttemptTag = "cairn/resume_attempt"

    /// Where the runs and their heartbeats are.
    public let storage: any RunStorage & EventLogStorage & HeartbeatStorage & DynamicPartitionsStorage
    /// How long to wait between two checks.
    public let interval: Duration
    /// How long a run may stay STARTING, without a heartbeat, before it is failed.
    public let startingTimeout: Duration
    /// How old the latest heartbeat of a run in progress (or its start, before the first) may be
    /// before its worker is taken for dead and the run failed.
    public let heartbeatTimeout: Duration
    /// The definitions to plan re-executions of dead runs with; `nil`: dead runs are only failed.
    public let definitions: Definitions?
    /// How many times a run whose worker died is re-executed from failure, counting the
    /// re-executions of its re-executions; 0: never.
    public let maxResumeAttempts: Int
    /// The maximum runtime of runs without a `cairn/max_runtime` tag; `nil`: unbounded.
    public let maxRuntime: Duration?
    /// How long a run asked to stop (for its runtime, by `terminate`) may stay CANCELING before it
    /// is marked CANCELED and its process on this host killed.
    public let terminationGrace: Duration
    /// What the service waits on between two checks.
    public let clock: any Clock<Duration>
    /// Where the service records its heartbeat after each check, if anywhere.
    public let heartbeats: DaemonHeartbeatRecorder?
    /// The leases that keep the service's rounds to one daemon at a time, when several share the storage.
    public let leases: ServiceLeases?
    private let now: @Sendable () -> Date
    private let logger: Logger
    /// The id of the last RUN_STARTING or ENGINE_EVENT read.
    private var cursor: Int64?
    /// The latest worker, claim time and termination request recorded for each run in progress.
    private var records: [RunID: (worker: RunWorker?, startingSince: Date?, cancelingSince: Date?)] = [:]

    /// Creates the service.
    ///
    /// - Parameters:
    ///   - definitions: needed only to resume dead runs (`maxResumeAttempts` above 0).
    ///   - now: the current time, to measure how long runs are STARTING and how old heartbeats are.
    public init(
        storage: any RunStorage & EventLogStorage & HeartbeatStorage & DynamicPartitionsStorage,
        interval: Duration = .seconds(1),
        startingTimeout: Duration = .seconds(60), heartbeatTimeout: Duration = .seconds(20),
        definitions: Definitions? = nil, maxResumeAttempts: Int = 0, maxRuntime: Duration? = nil,
        terminationGrace: Duration = .seconds(20), clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = Date.init, heartbeats: DaemonHeartbeatRecorder? = nil,
        leases: ServiceLeases? = nil,
        logger: Logger = Logger(label: "cairn.daemon")
    ) {
        self.storage = storage
        self.interval = interval
        self.startingTimeout = startingTimeout
        self.heartbeatTimeout = heartbeatTimeout
        self.definitions = definitions
        self.maxResumeAttempts = maxResumeAttempts
        self.maxRuntime = maxRuntime
        self.terminationGrace = terminationGrace
        self.clock = clock
        self.now = now
        self.heartbeats = heartbeats
        self.leases = leases
        self.logger = logger
    }

    /// Checks the runs every interval until the service group shuts down; an error of one check is
    /// logged and the next check happens as usual.
    public func run() async throws {
        await repeatUntilShutdown(
            service: description, every: interval, clock: clock, heartbeats: heartbeats, leases: leases, logger: logger,
            failure: "Runs could not be monitored"
        ) {
            try await self.check()
        }
    }

    /// Checks the runs in progress once, fails those whose worker is dead or that are stuck
    /// STARTING, and queues re-executions of the dead ones as `maxResumeAttempts` allows.
    ///
    /// - Returns: the runs this call marked failed.
    @discardableResult
    public func check() async throws -> [Run] {
        try await readNewWorkerRecords()
        var inProgress = [Run]()
        var pageCursor: RunID?
        while true {
            let page = try await storage.runs(
                matching: RunFilter(statuses: RunCoordinatorService.inProgressStatuses), limit: 1000, after: pageCursor)
            inProgress += page
            guard page.count == 1000, let last = page.last else { break }
            pageCursor = last.id
        }
        let ids = Set(inProgress.map(\.id))
        records = records.filter { ids.contains($0.key) }
        let latestHeartbeats = try await storage.runHeartbeats(of: inProgress.map(\.id))
        var failed = [Run]()
        for run in inProgress {
            guard let reason = failureReason(of: run, heartbeat: latestHeartbeats[run.id]) else {
                if let overstayed = run.overstayedRuntime(now: now(), default: maxRuntime) {
                    await terminate(run, because: overstayed)
                } else if run.status == .canceling, let since = records[run.id]?.cancelingSince,
                    now().timeIntervalSince(since) > terminationGrace.inSeconds
                {
                    await forceCancel(run)
                }
                continue
            }
            if run.status == .started, await everyStepSucceeded(run) {
                // Its process died after its last step, before it could record the run's end.
                let event = Event(
                    .runSuccess, runID: run.id,
                    message: reason + " every step had succeeded, so the run is marked succeeded.")
                if try await storage.transition(event, from: [.started]) != nil {
                    logger.warning("Run \(run.id) SUCCESS: its process died after every step succeeded")
                    await stopDeclaredDeadWorker(of: run)
                    await stopLeftoverProcessGroups(of: run)
                }
                continue
            }
            let event = Event(.runFailure, runID: run.id, level: .error, message: reason + " marked failed.")
            guard try await storage.transition(event, from: RunCoordinatorService.inProgressStatuses) != nil else {
                continue
            }
            logger.warning("Run \(run.id) FAILED: \(reason)")
            await stopDeclaredDeadWorker(of: run)
            await stopLeftoverProcessGroups(of: run)
            failed.append(run)
            await resumeDeadRun(run)
        }
        return failed
    }

    /// Terminates a run past its maximum runtime as `terminate` does; a later check ends it if it
    /// is still CANCELING after `terminationGrace`. Errors are logged.
    private func terminate(_ run: Run, because reason: String) async {
        do {
            _ = try await RunTerminator(storage: storage, requester: "run monitoring").terminate(run.id, reason: reason)
            logger.warning("Run \(run.id) terminated: \(reason)")
        } catch {
            logger.error("Run \(run.id), past its maximum runtime, could not be terminated: \(error)")
        }
    }

    /// Ends a run still CANCELING `terminationGrace` after it was asked to stop (by `terminate`,
    /// the UI, its maximum runtime), whose steps ignore cancellation: marks it CANCELED and kills
    /// its own process on this host. Errors are logged.
    private func forceCancel(_ run: Run) async {
        do {
            let (_, killed) = try await RunTerminator(storage: storage, requester: "run monitoring").forceCancel(
                run.id, after: terminationGrace)
            let killing = killed.map { "; killed its process (\($0))" } ?? ""
            logger.warning(
                "Run \(run.id) CANCELED: it did not stop within \(terminationGrace) of being asked to\(killing)")
        } catch {
            logger.error("Run \(run.id), asked to stop, could not be marked CANCELED: \(error)")
        }
    }

    /// Kills with SIGKILL the process of its own on this host that executed a run declared dead,
    /// when it is still there (paused, hung): it must not go on with a run that has ended. Storage
    /// refuses its events anyway; this also stops it using resources. Only a process whose
    /// command line names the run (`execute-run <id>`) is killed, never one that reuses its pid.
    private func stopDeclaredDeadWorker(of run: Run) async {
        guard let worker = try? await RunWorker.latest(of: run, in: storage, executingOnly: true), worker.isLocal,
            worker.pid != getpid(), worker.isAlive, Self.commandLine(of: worker.pid)?.contains(run.id.rawValue) == true
        else { return }
        kill(worker.pid, SIGKILL)
        logger.warning("Killed the process of run \(run.id) (\(worker)), declared dead but still there.")
    }

    /// Kills the external process groups of a run declared dead that are still there on this
    /// host, so that a Pipes script or dbt build does not go on after its run's process died.
    private func stopLeftoverProcessGroups(of run: Run) async {
        for group in await ExternalProcessGroup.killLeftovers(of: run.id, in: storage) {
            logger.warning("Killed \(group), started by run \(run.id), which was declared dead.")
        }
    }

    /// The command line of process `pid` on this host (Linux's `/proc`), `nil` where it cannot be read.
    private static func commandLine(of pid: Int32) -> String? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return nil }
        return String(decoding: data.map { $0 == 0 ? UInt8(ascii: " ") : $0 }, as: UTF8.self)
    }

    /// Why the run is to be ended, as the first half of a sentence the verdict completes ("…; marked
    /// failed."): its worker died, or it is stuck STARTING; `nil` when it is fine.
    private func failureReason(of run: Run, heartbeat: RunHeartbeat?) -> String? {
        let record = records[run.id]
        if let worker = record?.worker ?? RunWorker(tagsOf: run), !worker.isAlive {
            return "The process that ran this run (\(worker)) is gone;"
        }
        if let heartbeat {
            let age = now().timeIntervalSince(heartbeat.timestamp)
            guard age > heartbeatTimeout.inSeconds else { return nil }
            return "The process that ran this run (\(heartbeat.worker)) sent no heartbeat for \(Self.format(age)) "
                + "(timeout \(Self.format(heartbeatTimeout.inSeconds))); it is taken for dead;"
        }
        if run.status == .starting {
            guard let since = record?.startingSince, now().timeIntervalSince(since) > startingTimeout.inSeconds
            else { return nil }
            return "The run stayed STARTING for more than \(startingTimeout) without starting;"
        }
        guard let started = run.startedAt else { return nil }
        let age = now().timeIntervalSince(started)
        guard age > heartbeatTimeout.inSeconds else { return nil }
        let worker = (record?.worker ?? RunWorker(tagsOf: run)).map { " (\($0))" } ?? ""
        return "The process that ran this run\(worker) sent no heartbeat in the \(Self.format(age)) since the run "
            + "started (timeout \(Self.format(heartbeatTimeout.inSeconds))); it is taken for dead;"
    }

    /// Whether every step of a run whose process is dead succeeded, as far as the definitions
    /// (needed to plan its steps) tell; `false` without them, or when it cannot be told.
    private func everyStepSucceeded(_ run: Run) async -> Bool {
        guard let definitions else { return false }
        do {
            return try await RunPlanner(definitions: definitions).unfinishedSteps(of: run, storage: storage).isEmpty
        } catch {
            return false
        }
    }

    /// Queues a re-execution from failure of a run whose worker died (or that was stuck STARTING)
    /// and that was just marked failed, here or by whatever saw its worker die (a `ChildProcessRunLauncher` seeing its child
    /// killed), unless `maxResumeAttempts` is 0 or the run used up its attempts. Errors are logged.
    public func resumeDeadRun(_ run: Run) async {
        guard maxResumeAttempts > 0, let definitions else { return }
        let attempt = run.tags[Self.resumeAttemptTag].flatMap(Int.init) ?? 0
        guard attempt < maxResumeAttempts else {
            logger.warning("Run \(run.id) is not resumed: it was resumed \(attempt) times already, the most allowed.")
            return
        }
        do {
            let resumed = try await RunPlanner(definitions: definitions).planReexecution(
                of: run.id, fromFailure: true, tags: [Self.resumeAttemptTag: String(attempt + 1)], status: .queued,
                storage: storage
            ).run
            try await storage.addRun(resumed)
            logger.warning(
                "Run \(run.id) resumed from failure as run \(resumed.id), attempt \(attempt + 1) of \(maxResumeAttempts)."
            )
        } catch {
            logger.error("Run \(run.id) could not be resumed: \(error)")
        }
    }

    /// Reads the RUN_STARTING, ENGINE_EVENT and RUN_CANCELING events stored since the last check.
    private func readNewWorkerRecords() async throws {
        while true {
            let page = try await storage.events(
                after: cursor, types: [.runStarting, .engineEvent, .runCanceling], limit: 1000)
            for record in page {
                let event = record.event
                var entry = records[event.runID] ?? (nil, nil, nil)
                if let worker = RunWorker(recordedBy: event) { entry.worker = worker }
                if event.type == .runStarting { entry.startingSince = event.timestamp }
                if event.type == .runCanceling { entry.cancelingSince = event.timestamp }
                records[event.runID] = entry
            }
            cursor = page.last?.id ?? cursor
            guard page.count == 1000 else { return }
        }
    }

    /// `25 s`, `1.5 s`.
    private static func format(_ seconds: Double) -> String {
        seconds.rounded() == seconds || seconds >= 10
            ? "\(Int(seconds.rounded())) s" : String(format: "%.1f s", seconds)
    }
}
