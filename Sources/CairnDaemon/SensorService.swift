import Cairn
import Foundation
import Logging
import ServiceLifecycle

/// The sensors daemon: every interval, evaluates each running sensor whose minimum interval has
/// passed since its last evaluation, and creates the runs it requests, queued for the run
/// coordinator to launch.
///
/// An evaluation's runs, its tick record and the sensor's new cursor are stored in one
/// transaction, and a run key creates at most one run per sensor, so several daemons on one
/// storage never create a run twice for one key. A sensor never started runs when its
/// definition's `defaultStatus` is `.running`.
///
/// ```swift
/// let sensors = SensorService(definitions: definitions, storage: storage)
/// try await ServiceGroup(services: [sensors], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct SensorService: Service {
    /// The sensors and the assets and jobs they run.
    public let definitions: Definitions
    /// Where sensor state, ticks and runs are stored, and what sensors query.
    public let storage: any InstanceStorage
    /// How long to wait between two rounds of evaluations.
    public let interval: Duration
    /// What the service waits on between two rounds.
    public let clock: any Clock<Duration>
    /// Where the service records its heartbeat after each round, if anywhere.
    public let heartbeats: DaemonHeartbeatRecorder?
    /// The current time, which minimum intervals are measured with.
    public let now: @Sendable () -> Date
    private let logger: Logger

    /// Creates the service.
    public init(
        definitions: Definitions, storage: any InstanceStorage, interval: Duration = .seconds(1),
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = { Date() },
        heartbeats: DaemonHeartbeatRecorder? = nil, logger: Logger = Logger(label: "cairn.daemon.sensors")
    ) {
        self.heartbeats = heartbeats
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
            service: "sensors", every: interval, clock: clock, heartbeats: heartbeats, logger: logger,
            failure: "The sensors could not be evaluated"
        ) {
            _ = try await self.evaluateSensors()
        }
    }

    /// Evaluates every running sensor that is due once, storing their runs, ticks and cursors.
    ///
    /// - Returns: the ticks evaluated, as recorded.
    @discardableResult
    public func evaluateSensors() async throws -> [ScheduleTick] {
        let graph = try definitions.assetGraph
        var evaluated: [ScheduleTick] = []
        for sensor in definitions.sensors {
            if let tick = try await evaluate(sensor, graph: graph) { evaluated.append(tick) }
        }
        return evaluated
    }

    /// Evaluates one sensor when it runs and is due.
    private func evaluate(_ sensor: Sensor, graph: AssetGraph) async throws -> ScheduleTick? {
        let now = now()
        let stored = try await storage.scheduleState(sensor.storageName)
        guard let state = stored ?? defaultState(of: sensor), state.status == .running else { return nil }
        guard SensorEvaluation.isDue(sensor, lastEvaluation: state.lastTick, now: now) else { return nil }
        if stored == nil { try await storage.setScheduleState(state) }
        let context = SensorContext(
            sensorName: sensor.name, cursor: state.cursor, lastRunKey: try await lastRunKey(of: sensor),
            evaluationTime: now, storage: storage)
        var record = ScheduleTick(
            scheduleName: sensor.storageName, scheduledTime: now, status: .success, timestamp: now)
        var runs: [(run: Run, runKey: String)] = []
        var cursor = state.cursor
        do {
            let result = try await SensorEvaluation.evaluate(sensor, context: context)
            for request in result.runRequests {
                let run = try SensorEvaluation.run(for: request, of: sensor, graph: graph, now: now)
                runs.append((run, request.runKey ?? run.id.rawValue))
            }
            if let reason = result.skipReason, runs.isEmpty {
                record.status = .skipped
                record.message = reason
            }
            cursor = result.cursor ?? cursor
        } catch {
            runs = []
            record.status = .failure
            record.message = "\(error)"
            logger.error("Sensor '\(sensor.name)' FAILED: \(error)")
        }
        let created = try await storage.addRunsOnce(runs, origin: sensor.storageName, tick: record, cursor: cursor)
        for run in created {
            logger.info("Sensor '\(sensor.name)' queued run \(run.id)")
        }
        return record.recording(created)
    }

    /// The run key of the last run `sensor` created, when it had one.
    private func lastRunKey(of sensor: Sensor) async throws -> String? {
        let runs = try await storage.runs(matching: RunFilter(tags: [Sensor.tag: sensor.name]), limit: 1, after: nil)
        return runs.first?.tags[SensorEvaluation.runKeyTag]
    }

    /// The state of a sensor never started or stopped: its definition's default.
    private func defaultState(of sensor: Sensor) -> ScheduleState? {
        sensor.defaultStatus == .running ? ScheduleState(name: sensor.storageName, status: .running) : nil
    }
}
