import Cairn
import CairnDaemon
import CairnPostgres
import Foundation
import Logging
import ServiceLifecycle

extension CairnBenchmarks {
    /// Cairn on a PostgreSQL server (`CAIRN_BENCH_POSTGRES_URL`; `scripts/bench-postgres` starts
    /// one): materializing, planning a backfill, workers draining the queue, concurrent appends,
    /// and what a claim, a heartbeat and an event batch cost the server with 50 clients contending.
    static func postgresBenchmarks() async throws {
        guard let url = ProcessInfo.processInfo.environment["CAIRN_BENCH_POSTGRES_URL"] else {
            print("postgres: set CAIRN_BENCH_POSTGRES_URL, or run scripts/bench-postgres, which starts a server")
            return
        }
        let server = try PostgresLocation(url)
        let chainSeconds = try await materializeSeconds(Definitions(assets: [chain(1_000)])) { _ in
            try await freshStorage(server)
        }
        report(
            "materialize 1,000 trivial assets as a chain, per asset (PostgreSQL + JSON files)", chainSeconds / 1000,
            target: 0.002)

        var planning: [Double] = []
        for _ in 0..<3 {
            let storage = try await freshStorage(server)
            planning.append(try await planTenThousandRunBackfill(in: storage))
            try await drop(storage)
        }
        report("backfill of 10,000 partitions stored, 10,000 runs (PostgreSQL)", median(planning), target: 3)

        for (inProcess, count) in [(true, 3_000), (false, 600)] {
            let seconds = try await drainSeconds(server, runs: count, workers: 3, inProcess: inProcess)
            print(
                "three workers drain \(count) trivial queued runs (\(inProcess ? "in-process" : "child processes")): "
                    + String(format: "%.1f runs/s (target ≥ 50), %.2f s", Double(count) / seconds, seconds))
        }

        report(
            "a run queued by one process, claimed by a worker of another (LISTEN/NOTIFY; its interval 10 s)",
            try await wakeUpSeconds(server, rounds: 30), target: 0.100)

        let (rate, latency) = try await concurrentAppends(server, writers: 3, batches: 2_000)
        print(
            String(
                format: "event appends, 3 concurrent writers of 1-event batches: %.0f events/s, median %.2f ms", rate,
                latency * 1000))

        try await contention(server, clients: 50, seconds: 5)
    }

    /// A logger of critical errors only, for the services a benchmark runs.
    private static let quietLogger: Logger = {
        var logger = Logger(label: "cairn.benchmarks")
        logger.logLevel = .critical
        return logger
    }()

    /// A storage in a new schema of the server.
    private static func freshStorage(_ server: PostgresLocation) async throws -> PostgresStorage {
        try await PostgresStorage.open(server.inSchema("bench_" + UUID().uuidString.prefix(8).lowercased()))
    }

    private static func drop(_ storage: PostgresStorage) async throws {
        try await storage.dropSchema()
        await storage.close()
    }

    /// How long `workers` run queues, each with its own connections and at most 4 runs at once,
    /// take to execute `runs` queued runs of one trivial asset.
    private static func drainSeconds(_ server: PostgresLocation, runs count: Int, workers: Int, inProcess: Bool)
        async throws
        -> Double
    {
        let first = try await freshStorage(server)
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        setenv("CAIRN_STORAGE", first.location.description, 1)
        setenv("CAIRN_BENCH_LOCATION", "latency", 1)
        let runs = (0..<count).map { _ in
            Run(selection: "*", assetKeys: ["latency_asset"], status: .queued)
        }
        try await first.addBackfill(
            Backfill(selection: "*", assetKeys: [], partitionSelection: "-", partitionCount: 0, runCount: count),
            runs: runs)
        var logger = Logger(label: "cairn.benchmarks")
        logger.logLevel = .critical
        var storages: [PostgresStorage] = [first]
        for _ in 1..<workers { storages.append(try await PostgresStorage.open(first.location)) }
        let services: [any Service] = storages.map { storage in
            let launcher: any RunLauncher =
                inProcess
                ? InProcessRunLauncher(
                    definitions: latencyDefinitions, storage: storage, defaultIOManager: MemoryIOManager())
                : ChildProcessRunLauncher(storage: storage, home: home.path, logger: logger)
            return RunCoordinatorService(
                storage: storage, launcher: launcher, policy: RunQueuePolicy(maxConcurrentRuns: 100),
                interval: .milliseconds(20), leases: ServiceLeases(storage: storage, holder: .random()),
                capacity: 4, logger: logger)
        }
        let group = ServiceGroup(services: services, logger: logger)
        let start = DispatchTime.now().uptimeNanoseconds
        var seconds = 0.0
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            while true {
                let ended = try await first.runCounts().filter(\.status.isTerminal).reduce(0) { $0 + $1.count }
                if ended >= count { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let failed = try await first.runCounts().filter { $0.status != .success }.reduce(0) { $0 + $1.count }
        precondition(failed == 0, "\(failed) runs did not succeed")
        for storage in storages.dropFirst() { await storage.close() }
        try await drop(first)
        return seconds
    }

    /// The median time from a run queued through one connection pool (a process on one host) to
    /// its claim by a run queue with a pool of its own (a worker on another), whose interval of
    /// 10 s leaves the wake-up to LISTEN/NOTIFY.
    private static func wakeUpSeconds(_ server: PostgresLocation, rounds: Int) async throws -> Double {
        let queuer = try await freshStorage(server)
        let worker = try await PostgresStorage.open(queuer.location)
        let logger = quietLogger
        let doorbell = RunQueueDoorbell()
        let coordinator = RunCoordinatorService(
            storage: worker,
            launcher: InProcessRunLauncher(
                definitions: latencyDefinitions, storage: worker, defaultIOManager: MemoryIOManager()),
            interval: .seconds(10), doorbell: doorbell, leases: ServiceLeases(storage: worker, holder: .random()),
            logger: logger)
        let group = ServiceGroup(services: [coordinator], logger: logger)
        var latencies: [Double] = []
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let (listening, listened) = AsyncStream<Void>.makeStream()
            tasks.addTask {
                var first = true
                for await _ in worker.queuedRunNotifications(logger: logger) {
                    if first { listened.yield() }
                    first = false
                    doorbell.ring()
                }
            }
            for await _ in listening { break }
            try await Task.sleep(for: .milliseconds(200))
            for _ in 0..<rounds {
                let run = Run(selection: "*", assetKeys: ["latency_asset"], status: .queued)
                let start = DispatchTime.now().uptimeNanoseconds
                try await queuer.addRun(run)
                while try await queuer.run(run.id)?.status == .queued { try await Task.sleep(for: .milliseconds(1)) }
                latencies.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                try await Task.sleep(for: .milliseconds(50))
            }
            await group.triggerGracefulShutdown()
            tasks.cancelAll()
        }
        await worker.close()
        try await drop(queuer)
        return median(latencies)
    }

    /// Events per second and the median append time of `writers` processes (a connection pool
    /// each) appending `batches` batches of one event each.
    private static func concurrentAppends(_ server: PostgresLocation, writers: Int, batches: Int) async throws
        -> (Double, Double)
    {
        let first = try await freshStorage(server)
        var storages = [first]
        for _ in 1..<writers { storages.append(try await PostgresStorage.open(first.location)) }
        for index in 0..<writers { try await first.addRun(Run(id: RunID("writer-\(index)"), assetKeys: [])) }
        let start = DispatchTime.now().uptimeNanoseconds
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for (index, storage) in storages.enumerated() {
                group.addTask {
                    var times: [Double] = []
                    for batch in 0..<batches {
                        let begin = DispatchTime.now().uptimeNanoseconds
                        try await storage.append([
                            Event(.logs, runID: RunID("writer-\(index)"), message: "event \(batch)")
                        ])
                        times.append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
                    }
                    return times
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        for storage in storages.dropFirst() { await storage.close() }
        try await drop(first)
        return (Double(writers * batches) / seconds, median(latencies))
    }

    /// What one claim, one heartbeat and one batch of five events cost the server while `clients`
    /// processes (a connection each) do them in a loop for `seconds`: operations per second in
    /// total, and the median time of each.
    private static func contention(_ server: PostgresLocation, clients: Int, seconds: Double) async throws {
        let first = try await freshStorage(server)
        var storages = [first]
        for _ in 1..<clients { storages.append(try await PostgresStorage.open(first.location)) }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(seconds * 1e9)
        let results = try await withThrowingTaskGroup(of: [String: [Double]].self) { group in
            for (index, storage) in storages.enumerated() {
                group.addTask {
                    var times: [String: [Double]] = [:]
                    var round = 0
                    func timed(_ name: String, _ body: () async throws -> Void) async throws {
                        let begin = DispatchTime.now().uptimeNanoseconds
                        try await body()
                        times[name, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - begin) / 1e9)
                    }
                    while DispatchTime.now().uptimeNanoseconds < deadline {
                        let id = RunID("client-\(index)-\(round)")
                        try await storage.addRun(Run(id: id, assetKeys: [], status: .queued))
                        try await timed("claim") {
                            _ = try await storage.transition(Event(.runStarting, runID: id), from: [.queued])
                        }
                        try await timed("heartbeat") {
                            try await storage.recordRunHeartbeat(
                                RunHeartbeat(runID: id, worker: RunWorker(pid: 1, host: "h"), timestamp: Date()))
                        }
                        try await timed("batch of 5 events") {
                            try await storage.append((0..<5).map { Event(.logs, runID: id, message: "event \($0)") })
                        }
                        _ = try await storage.transition(Event(.runSuccess, runID: id), from: [.starting])
                        round += 1
                    }
                    return times
                }
            }
            return try await group.reduce(into: [String: [Double]]()) { $0.merge($1) { $0 + $1 } }
        }
        for name in ["claim", "heartbeat", "batch of 5 events"] {
            let times = results[name] ?? []
            print(
                String(
                    format: "%d clients contending: %@: %.0f/s in total, median %.2f ms, p99 %.2f ms", clients, name,
                    Double(times.count) / seconds, median(times) * 1000,
                    (times.sorted().dropFirst(times.count * 99 / 100).first ?? 0) * 1000))
        }
        for storage in storages.dropFirst() { await storage.close() }
        try await drop(first)
    }
}
