import Cairn
import Foundation
import Logging
import Metrics
import ServiceLifecycle

/// The sensors daemon: every interval, evaluates each running sensor whose minimum interval has
/// passed since its last evaluation, and creates the runs it requests, queued for the run
/// coordinator to launch.
///
/// A round's runs, tick records and the sensors' new cursors are stored in one transaction, and a run key creates at most one run per sensor, so several daemons on one
/// storage never create a run twice for one key. A sensor never started runs when its
/// definition's `defaultStatus` is `.running`.
///
/// ```swift
/// let sensors = SensorService(definitions: definitions, storage: storage)
/// try await ServiceGroup(services: [sensors], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct SensorService: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public var description: String { "sensors" }

    /// The storage roles the service uses: what sensors read, and sensor states and ticks.
    public typealias Storage = SensorContext.Storage & ScheduleStorage

    /// The sensors and the assets and jobs they run.
    public let definitions: Definitions
    /// Where sensor state, ticks and runs are stored, and what sensors query.
    public let storage: any SensorService.Storage
    /// How long to wait between two rounds of evaluations.
    public let interval: Duration
    /// What the service waits on between two rounds.
    public let clock: any Clock<Duration>
    /// Where the service records its heartbeat after each round, if anywhere.
    public let heartbeats: DaemonHeartbeatRecorder?
    /// The leases that keep the service's rounds to one daemon at a time, when several share the storage.
    public let leases: ServiceLeases?
    /// What the service rings when it has queued runs, to wake the run queue at once; `nil` rings nothing.
    public let doorbell: RunQueueDoorbell?
    /// The current time, which minimum intervals are measured with.
    public let now: @Sendable () -> Date
    private let logger: Logger

    /// Creates the service.
    public init(
        definitions: Definitions, storage: any SensorService.Storage, interval: Duration = .seconds(1),
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
        heartbeats: DaemonHeartbeatRecorder? = nil, leases: ServiceLeases? = nil, doorbell: RunQueueDoorbell? = nil,
        logger: Logger = Logger(label: "cairn.daemon.sensors")
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

    /// Evaluates the sensors every interval until the service group shuts down; an error of one
    /// round is logged and the next happens as usual.
    public func run() async throws {
        await repeatUntilShutdown(
            service: description, every: interval, clock: clock, heartbeats: heartbeats, leases: leases, logger: logger,
            failure: "The sensors could not be evaluated"
        ) {
            _ = try await self.evaluateSensors()
        }
    }

    /// Evaluates every running sensor that is due once, storing their runs, ticks and cursors in
    /// one transaction.
    ///
    /// - Returns: the ticks evaluated, as recorded.
    @discardableResult
    public func evaluateSensors() async throws -> [ScheduleTick] {
        let graph = try definitions.assetGraph
        let states = Dictionary(try await storage.scheduleStates().map { ($0.name, $0) }) { first, _ in first }
        var evaluated: [(sensor: Sensor, entry: TickRuns)] = []
        for sensor in definitions.sensors {
            if let entry = try await evaluate(sensor, stored: states[sensor.storageName], graph: graph) {
                evaluated.append((sensor, entry))
            }
        }
        guard !evaluated.isEmpty else { return [] }
        let created = try await storage.addRunsOnce(evaluated.map(\.entry))
        if created.contains(where: { !$0.isEmpty }) { doorbell?.ring() }
        return zip(evaluated, created).map { evaluation, runs in
            for run in runs {
                logger.info("Sensor '\(evaluation.sensor.name)' queued run \(run.id)")
            }
            let tick = evaluation.entry.tick.recording(runs)
            Counter(
                label: MetricName.sensorTicks,
                dimensions: [("sensor", evaluation.sensor.name), ("status", tick.status.rawValue)]
            ).increment()
            return tick
        }
    }

    /// Evaluates one sensor, whose stored state is `stored`, when it runs and is due: its tick,
    /// runs and new cursor, to store.
    private func evaluate(_ sensor: Sensor, stored: ScheduleState?, graph: AssetGraph) async throws -> TickRuns? {
        let now = now()
        guard let state = stored ?? defaultState(of: sensor), state.status == .running else { return nil }
        guard SensorEvaluation.isDue(sensor, lastEvaluation: state.lastTick, now: now) else { return nil }
        if stored == nil { try await storage.setScheduleState(state) }
        let context = SensorContext(
            sensorName: sensor.name, cursor: state.cursor, evaluationTime: now, storage: storage)
        var record = ScheduleTick(
            scheduleName: sensor.storageName, scheduledTime: now, status: .success, timestamp: now)
        var runs: [(run: Run, runKey: String)] = []
        var cursor = state.cursor
        do {
            let result = try await SensorEvaluation.evaluate(sensor, context: context)
            runs = try SensorEvaluation.runs(for: result, of: sensor, graph: graph, now: now)
            if let reason = result.skipReason, runs.isEmpty {
                record.status = .skipped
                record.message = reason
            }
            cursor = result.cursor ?? cursor
        } catch {
            // A run-status sensor keeps what it did before the run it failed on.
            let completed: SensorResult? =
                if case .reactionFailed(_, _, let completed, _) = error as? SensorError { completed } else { nil }
            runs = completed.flatMap { try? SensorEvaluation.runs(for: $0, of: sensor, graph: graph, now: now) } ?? []
            cursor = completed?.cursor ?? cursor
            record.status = .failure
            record.message = "\(error)"
            logger.error("Sensor '\(sensor.name)' FAILED: \(error)")
        }
        return TickRuns(runs, origin: sensor.storageName, tick: record, cursor: cursor)
    }

    /// The state of a sensor never started or stopped: its definition's default.
    private func defaultState(of sensor: Sensor) -> ScheduleState? {
        sensor.defaultStatus == .running ? ScheduleState(name: sensor.storageName, status: .running) : nil
    }
}
