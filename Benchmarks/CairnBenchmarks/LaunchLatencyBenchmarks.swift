import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Logging
import ServiceLifecycle

extension CairnBenchmarks {
    /// The code location whose runs the latency benchmark launches; also what `cairn-benchmarks
    /// execute-run` executes when the benchmark launches a run as a child process of itself.
    static let latencyDefinitions = Definitions(
        assets: [Asset<Int>("latency_asset") { _ in 1 }],
        sensors: [
            Sensor(
                "latency_sensor", select: "key:latency_asset", minimumInterval: .zero, defaultStatus: .running
            ) { _ in SensorResult(runRequests: [RunRequest(runKey: UUID().uuidString)]) }
        ])

    /// From a sensor's run request to the run's first STEP_START, with the daemon's default
    /// one-second interval: the sensor service rings the run queue's doorbell, the coordinator
    /// claims the run and launches it in-process or as a child process (`execute-run`).
    static func launchLatencyBenchmarks() async throws {
        for inProcess in [true, false] {
            let latency = try await launchLatency(inProcess: inProcess, rounds: 15)
            report(
                "run request to first step, \(inProcess ? "in-process" : "child process") (default 1 s interval)",
                latency, target: inProcess ? 0.100 : 0.300)
        }
    }

    /// The median time from a run request to its first step over `rounds` requests.
    private static func launchLatency(inProcess: Bool, rounds: Int) async throws -> Double {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        let storage = try SQLiteStorage(path: CairnHome(path: home.path).databasePath)
        var logger = Logger(label: "cairn.benchmarks")
        logger.logLevel = .warning
        let launcher: any RunLauncher =
            inProcess
            ? InProcessRunLauncher(
                definitions: latencyDefinitions, storage: storage, defaultIOManager: MemoryIOManager())
            : ChildProcessRunLauncher(storage: storage, home: home.path, logger: logger)
        let doorbell = RunQueueDoorbell()
        let coordinator = RunCoordinatorService(
            storage: storage, launcher: launcher, doorbell: doorbell, logger: logger)
        let sensors = SensorService(
            definitions: latencyDefinitions, storage: storage, doorbell: doorbell, logger: logger)
        let group = ServiceGroup(services: [coordinator], logger: logger)
        var latencies: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<rounds {
                let tick = try await sensors.evaluateSensors()
                guard let id = tick.first?.runIDs.first, let run = try await storage.run(id) else {
                    preconditionFailure("the sensor requested no run: \(tick)")
                }
                let stepStart = try await firstEvent(.stepStart, of: id, in: storage)
                latencies.append(stepStart.timestamp.timeIntervalSince(run.createdAt))
                _ = try await firstEvent(.runSuccess, of: id, in: storage)
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        return median(latencies)
    }

    /// The first event of `type` of the run, waited for (at most 30 s).
    private static func firstEvent(_ type: EventType, of id: RunID, in storage: SQLiteStorage) async throws -> Event {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let events = try await storage.events(ofRun: id, after: nil, limit: 1000)
            if let event = events.first(where: { $0.event.type == type }) { return event.event }
            if events.contains(where: { $0.event.type == .runFailure }) {
                preconditionFailure("run \(id) failed: \(events.map(\.event.message))")
            }
            try await Task.sleep(for: .milliseconds(1))
        }
        preconditionFailure("run \(id) recorded no \(type) within 30 s")
    }
}
