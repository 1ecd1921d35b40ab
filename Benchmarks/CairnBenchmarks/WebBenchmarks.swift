import Cairn
import CairnSQLite
import CairnWeb
import Foundation
import Logging
import ServiceLifecycle

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension CairnBenchmarks {
    /// The assets of the web benchmarks: 10,000 in a random DAG and one hourly-partitioned asset
    /// with about 147,000 partitions since 2010.
    static let webDefinitions = Definitions(assets: [
        randomDAG(size: 10_000),
        [Asset<Int>("hourly_events", group: "events", partitions: .hourly(start: "2010-01-01-00:00")) { _ in 1 }],
    ])

    /// A code location the size of the weather example: four assets in a chain, a daily schedule,
    /// a sensor that finds nothing; what `dev` runs for the start and memory benchmarks.
    static let devDefinitions = Definitions(
        assets: [
            (0..<4).map { index in
                Asset<Int>("step_\(index)", group: "example", deps: index == 0 ? [] : ["step_\(index - 1)"]) { _ in
                    index
                }
            }
        ],
        schedules: [Schedule("daily", cron: "0 6 * * *", select: "*", defaultStatus: .running)],
        sensors: [
            Sensor("inbox", select: "*", minimumInterval: .seconds(5), defaultStatus: .running) { _ in
                .skip("nothing new")
            }
        ])

    /// The UI and the API over 10,000 assets with a year of run history: the catalog, a lineage
    /// subgraph, the full layout, an asset page with 147,000 partitions, the whole graph over
    /// GraphQL; and `dev`: time until its first page answers, and its memory once idle.
    static func webBenchmarks() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-web-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let storage = try SQLiteStorage(path: CairnHome(path: home.path).databasePath)
        let graph = try webDefinitions.assetGraph
        let (runs, events) = try await storeHistory(graph: graph, storage: storage)
        print("  history: \(runs) runs, \(events) events")

        let keys = graph.nodes.map(\.key)
        var latest: [AssetKey: EventRecord] = [:]
        let reads = try await measureAsync(rounds: 5) { latest = try await storage.latestMaterializations(of: keys) }
        report("latest materializations of all \(keys.count) assets (\(latest.count) records)", reads, target: nil)
        let staleness = measure(rounds: 5) { _ = graph.statuses(materializations: latest, observations: [:]) }
        report("staleness of all assets from those records", staleness, target: nil)

        var layout: GraphLayout?
        let full = measure(rounds: 3) { layout = GraphLayout(graph: graph, including: Set(graph.nodes.indices)) }
        report("layout of all \(graph.nodes.count) assets (\(layout!.edges.count) edges)", full, target: 1.0)

        var logger = Logger(label: "cairn.bench")
        logger.logLevel = .warning
        let (addresses, continuation) = AsyncStream.makeStream(of: String.self)
        let server = try WebServer(
            definitions: webDefinitions, storage: storage, configuration: WebConfiguration(port: 0), logger: logger,
            onListening: { continuation.yield($0) })
        let group = ServiceGroup(services: [server], logger: logger)
        async let serving: Void = group.run()
        var iterator = addresses.makeAsyncIterator()
        let url = await iterator.next()!
        let pages: [(String, String, Double)] = [
            ("catalog page /assets (page 1 of 201, statuses of its 50 assets)", "/assets", 0.200),
            ("catalog page filtered by group, page 3", "/assets?group=group_7&page=3", 0.200),
            ("lineage page of all assets: opens on a neighbourhood of ≤ 300", "/lineage", 0.300),
            ("lineage subgraph page '+key:asset_5000+'", "/lineage?select=%2Bkey:asset_5000%2B", 0.300),
            (
                "asset page with \(try partitionCount()) partitions (status bar, missing ranges)",
                "/assets/hourly_events", 0.200
            ),
            ("asset page of an asset with a year of history (plots)", "/assets/asset_0", 0.200),
            ("runs page", "/runs", 0.200),
        ]
        for (name, path, target) in pages {
            _ = try await fetch(url + path)
            let time = try await measureAsync(rounds: 7) { _ = try await fetch(url + path) }
            report(name, time, target: target)
        }
        let typed = #"{"query":"{ assetGraph { nodes { key group status } edges { from to } } }"}"#
        _ = try await fetch(url + "/graphql", body: typed)
        let typedTime = try await measureAsync(rounds: 3) { _ = try await fetch(url + "/graphql", body: typed) }
        report("GraphQL assetGraph of \(graph.nodes.count) assets as typed nodes and edges", typedTime, target: 0.150)
        let compact = #"{"query":"{ assetGraph { json } }"}"#
        var afterEvent: [Double] = []
        let tickRun = Run(assetKeys: [], status: .started)
        try await storage.addRun(tickRun)
        for _ in 0..<3 {
            // A new event: the health of every asset is read again.
            _ = try await storage.append([Event(.engineEvent, runID: tickRun.id, message: "tick")])
            let started = DispatchTime.now().uptimeNanoseconds
            _ = try await fetch(url + "/graphql", body: compact)
            afterEvent.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
        }
        report("GraphQL assetGraph as one JSON text, right after a new event", median(afterEvent), target: 0.200)
        let compactTime = try await measureAsync(rounds: 5) { _ = try await fetch(url + "/graphql", body: compact) }
        report("GraphQL assetGraph as one JSON text, nothing new since", compactTime, target: 0.200)
        await group.triggerGracefulShutdown()
        try await serving

        try await devBenchmarks(home: home)
    }

    /// A year of history: one run a day materializing 300 assets, one run materializing all of
    /// them, and materializations of all but every 50th hourly partition.
    private static func storeHistory(graph: AssetGraph, storage: SQLiteStorage) async throws -> (Int, Int) {
        let start = Date().addingTimeInterval(-365 * 86_400)
        var events = 0
        var generator = SplitMix64(seed: 7)
        for day in 0..<366 {
            let time = start.addingTimeInterval(Double(day) * 86_400)
            let keys =
                day == 365
                ? graph.nodes.map(\.key) : (0..<300).map { _ in graph.nodes[Int(generator.next() % 10_000)].key }
            let run = Run(assetKeys: keys, status: .started, createdAt: time, startedAt: time)
            try await storage.addRun(run)
            let batch = keys.map { key in
                Event(
                    .assetMaterialization, runID: run.id, timestamp: time, stepKey: key.description, assetKey: key,
                    metadata: ["rows": .int(Int(generator.next() % 10_000))], dataVersion: "v\(day)")
            }
            _ = try await storage.append(batch + [Event(.runSuccess, runID: run.id, timestamp: time)])
            events += batch.count + 1
        }
        let run = Run(assetKeys: ["hourly_events"], status: .started, createdAt: start)
        try await storage.addRun(run)
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd-HH:mm"
        let first = formatter.date(from: "2010-01-01-00:00")!
        let hours = try partitionCount()
        var batch: [Event] = []
        for hour in 0..<hours where hour % 50 != 0 {
            let partition = PartitionKey(formatter.string(from: first.addingTimeInterval(Double(hour) * 3600)))
            batch.append(
                Event(
                    .assetMaterialization, runID: run.id, timestamp: start, stepKey: "hourly_events",
                    assetKey: "hourly_events", partition: partition, dataVersion: "p"))
            if batch.count == 10_000 {
                _ = try await storage.append(batch)
                events += batch.count
                batch = []
            }
        }
        _ = try await storage.append(batch + [Event(.runSuccess, runID: run.id, timestamp: start)])
        events += batch.count + 1
        // What the run does once it ended: its assets' stored partition status is brought up to date.
        let definition = try webDefinitions.assetGraph["hourly_events"]!.spec.partitions!
        try await AssetPartitionStatus.refreshStored(
            of: "hourly_events", space: try await PartitionSpace.resolve(definition, now: Date(), storage: storage),
            storage: storage)
        return (367, events)
    }

    /// How many hourly partitions exist now.
    private static func partitionCount() throws -> Int {
        let definition = try webDefinitions.assetGraph["hourly_events"]!.spec.partitions!
        return try PartitionSpace(definition, now: Date()).count
    }

    /// `dev` of a small code location, run as a child process of this executable: the time from
    /// its start until its first page answers, and its memory once idle.
    private static func devBenchmarks(home: URL) async throws {
        let (start, kilobytes) = try await devStartAndMemory(subcommand: "dev", home: home)
        report("dev: from start until the first page answers", start, target: 1.0)
        print(
            "\("dev: resident memory once idle (3 s after start)".padding(toLength: 84, withPad: " ", startingAt: 0)) "
                + String(format: "%9.1f MB", Double(kilobytes) / 1024)
                + "  (target ≤ 60 MB, \(kilobytes <= 60 * 1024 ? "ok" : "OVER TARGET"))")
    }

    /// `dev` of this executable's `subcommand` code location, 3 times: the median time from its
    /// start until its first page answers and its resident memory 3 s later, in kilobytes; `whileUp`
    /// is called with the UI's address in each round, before the memory is read.
    static func devStartAndMemory(
        subcommand: String, home: URL, whileUp: (String) async throws -> Void = { _ in }
    ) async throws -> (seconds: Double, kilobytes: Int) {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var starts: [Double] = []
        var memory: [Int] = []
        for round in 0..<3 {
            let devHome = home.appendingPathComponent("\(subcommand)-\(round)")
            let port = 38_000 + round
            let process = Process()
            process.executableURL = executable
            process.arguments = [subcommand, "dev", "--home", devHome.path, "--port", String(port)]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let started = DispatchTime.now().uptimeNanoseconds
            try process.run()
            defer { if process.isRunning { process.terminate() } }
            while (try? await fetch("http://127.0.0.1:\(port)/")) == nil {
                try await Task.sleep(for: .milliseconds(5))
            }
            starts.append(Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9)
            try await whileUp("http://127.0.0.1:\(port)")
            try await Task.sleep(for: .seconds(3))
            memory.append(residentKilobytes(of: process.processIdentifier))
            process.terminate()
            process.waitUntilExit()
        }
        return (median(starts), memory.sorted()[memory.count / 2])
    }

    /// VmRSS of a process, in kilobytes, from /proc.
    private static func residentKilobytes(of pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    /// The body of a GET, or of a POST of JSON `body`; fails on any status but 200.
    static func fetch(_ address: String, body: String? = nil) async throws -> Data {
        var request = URLRequest(url: URL(string: address)!)
        if let body {
            request.httpMethod = "POST"
            request.httpBody = Data(body.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw URLError(.badServerResponse)
        }
        return data
    }
}
