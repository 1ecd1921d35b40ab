import Cairn
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// The schedules daemon: every interval, evaluates the due ticks of each running schedule and
/// creates their runs, queued for the run coordinator to launch.
///
/// A round's runs and tick records are stored in one transaction, and a tick's run key (by default the
/// schedule's name and the tick's time) creates at most one run, so several daemons on one
/// storage never create a run twice. A schedule never started runs when its definition's
/// `defaultStatus` is `.running`, from the first tick after the daemon first sees it.
///
/// ```swift
/// let schedules = ScheduleService(definitions: definitions, storage: storage)
/// try await ServiceGroup(services: [schedules], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct ScheduleService: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public var description: String { "schedules" }

    /// The schedules and the assets and jobs they run.
    public let definitions: Definitions
    /// Where schedule state, ticks and runs are stored.
    public let storage: any RunStorage & ScheduleStorage
    /// How long to wait between two evaluations.
    public let interval: Duration
    /// What the service waits on between two evaluations.
    public let clock: any Clock<Duration>
    /// Where the service records its heartbeat after each round, if anywhere.
    public let heartbeats: DaemonHeartbeatRecorder?
    /// The leases that keep the service's rounds to one daemon at a time, when several share the storage.
    public let leases: ServiceLeases?
    /// What the service rings when it has queued runs, to wake the run queue at once; `nil` rings nothing.
    public let doorbell: RunQueueDoorbell?
    /// The current time, which tick times are compared with.
    public let now: @Sendable () -> Date
    private let logger: Logger

    /// Creates the service.
    public init(
        definitions: Definitions, storage: any RunStorage & ScheduleStorage, interval: Duration = .seconds(30),
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
        heartbeats: DaemonHeartbeatRecorder? = nil, leases: ServiceLeases? = nil, doorbell: RunQueueDoorbell? = nil,
        logger: Logger = Logger(label: "cairn.daemon.schedules")
    ) {
        self.heartbeats = heartbeats
        self.leases = leases
        self.doorbell = doorbell
        self.definitions = definitions
        self.storage = storage
        self.interval = interval
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// Evaluates the schedules every interval until the service group shuts down; an error of one
    /// evaluation is logged and the next happens as usual.
    public func run() async throws {
        await repeatUntilShutdown(
            service: description, every: interval, clock: clock, heartbeats: heartbeats, leases: leases, logger: logger,
            failure: "The schedules could not be evaluated"
        ) {
            _ = try await self.evaluateSchedules()
        }
    }

    /// Evaluates the due ticks of every running schedule once, storing their runs and records in
    /// one transaction.
    ///
    /// - Returns: the ticks evaluated, as recorded (a tick another daemon recorded first is
    ///   returned with no runs).
    @discardableResult
    public func evaluateSchedules() async throws -> [ScheduleTick] {
        let graph = try definitions.assetGraph
        let states = Dictionary(try await storage.scheduleStates().map { ($0.name, $0) }) { first, _ in first }
        var evaluated: [(schedule: Schedule, entry: TickRuns)] = []
        for schedule in definitions.schedules {
            evaluated += try await evaluate(schedule, stored: states[schedule.name], graph: graph).map {
                (schedule, $0)
            }
        }
        guard !evaluated.isEmpty else { return [] }
        let created = try await storage.addRunsOnce(evaluated.map(\.entry))
        if created.contains(where: { !$0.isEmpty }) { doorbell?.ring() }
        return zip(evaluated, created).map { evaluation, runs in
            for run in runs {
                logger.info(
                    "Schedule '\(evaluation.schedule.name)' queued run \(run.id) for its tick \(evaluation.entry.tick.scheduledTime)"
                )
            }
            let tick = evaluation.entry.tick.recording(runs)
            Counter(
                label: MetricName.scheduleTicks,
                dimensions: [("schedule", evaluation.schedule.name), ("status", tick.status.rawValue)]
            ).increment()
            return tick
        }
    }

    /// The due ticks of one schedule, whose stored state is `stored`, when it runs: their runs
    /// and records, to store.
    private func evaluate(_ schedule: Schedule, stored: ScheduleState?, graph: AssetGraph) async throws -> [TickRuns] {
        let now = now()
        guard var state = stored ?? defaultState(of: schedule), state.status == .running else { return [] }
        guard let lastTick = state.lastTick, stored != nil else {
            // Started, or running by default, just now: ticks after now are due.
            state.lastTick = now
            try await storage.setScheduleState(state)
            return []
        }
        let cron = try schedule.cronSchedule()
        let grace = max(ScheduleEvaluation.defaultGrace, 2 * Double(interval.components.seconds))
        let ticks = ScheduleEvaluation.ticks(
            of: cron, after: lastTick, now: now, policy: schedule.missedTicks, grace: grace)
        if ticks.isEmpty && cron.nextTick(after: lastTick) <= now {
            // Every tick since the last one was missed and the policy drops them.
            logger.info("Schedule '\(schedule.name)' dropped the ticks it missed before \(now)")
            state.lastTick = now
            try await storage.setScheduleState(state)
        }
        var evaluated: [TickRuns] = []
        for tick in ticks {
            evaluated.append(try await evaluate(schedule, tick: tick, graph: graph))
        }
        return evaluated
    }

    /// Evaluates one tick: its run and record, to store.
    private func evaluate(_ schedule: Schedule, tick: Date, graph: AssetGraph) async throws -> TickRuns {
        var record = ScheduleTick(scheduleName: schedule.name, scheduledTime: tick, status: .success, timestamp: now())
        var runs: [(run: Run, runKey: String)] = []
        do {
            switch try await ScheduleEvaluation.evaluate(schedule, tick: tick, graph: graph) {
            case .run(let request):
                let run = try ScheduleEvaluation.run(for: request, of: schedule, graph: graph, now: record.timestamp)
                runs.append((run, request.runKey ?? ScheduleEvaluation.defaultRunKey(of: schedule, tick: tick)))
            case .skip(let reason):
                record.status = .skipped
                record.message = reason
            }
        } catch {
            record.status = .failure
            record.message = "\(error)"
            logger.error("Schedule '\(schedule.name)' FAILED at its tick \(tick): \(error)")
        }
        return TickRuns(runs, origin: schedule.name, tick: record)
    }

    /// The state of a schedule never started or stopped: its definition's default.
    private func defaultState(of schedule: Schedule) -> ScheduleState? {
        schedule.defaultStatus == .running ? ScheduleState(name: schedule.name, status: .running) : nil
    }
}
