import Cairn
import CairnSQLite
import Foundation

extension CairnBenchmarks {
    /// The code location of the schedule workload: one asset and a schedule every minute.
    static let scheduleDefinitions = Definitions(
        assets: [Asset<Int>("scheduled_asset") { _ in 1 }],
        schedules: [Schedule("every_minute", cron: "* * * * *", select: "*", defaultStatus: .running)])

    /// The workloads `scripts/bench-vs-dagster` runs on both Cairn and Dagster
    /// (`Benchmarks/dagster/bench.py` measures the same shapes): `vs-dagster --out DIR [--only a,b]`
    /// writes `DIR/cairn.json`, and the dbt manifest Dagster loads to `DIR/dbt/target/manifest.json`.
    static func versusDagsterBenchmarks(arguments: [String]) async throws {
        guard let outIndex = arguments.firstIndex(of: "--out"), outIndex + 1 < arguments.count else {
            print("usage: cairn-benchmarks vs-dagster --out DIR [--only id1,id2]")
            return
        }
        let out = URL(fileURLWithPath: arguments[outIndex + 1])
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let only = arguments.firstIndex(of: "--only").flatMap { index in
            index + 1 < arguments.count ? Set(arguments[index + 1].split(separator: ",").map(String.init)) : nil
        }
        var figures: [String: [String: Any]] = [:]
        func wanted(_ ids: String...) -> Bool { only.map { !$0.isDisjoint(with: ids) } ?? true }
        func record(_ id: String, _ value: Double, _ unit: String, _ note: String) {
            figures[id] = ["value": value, "unit": unit, "note": note]
            print("\(id.padding(toLength: 30, withPad: " ", startingAt: 0)) \(String(format: "%10.2f", value)) \(unit)")
        }
        func attempt(_ ids: [String], _ body: () async throws -> Void) async {
            do {
                try await body()
            } catch {
                for id in ids where figures[id] == nil { figures[id] = ["skipped": "\(error)"] }
            }
        }

        for (shape, assets) in [("chain", chain), ("wide", wideGraph)] {
            for count in [100, 1_000] where wanted("materialize_\(shape)_\(count)") {
                await attempt(["materialize_\(shape)_\(count)"]) {
                    let seconds = try await materializeSeconds(Definitions(assets: [assets(count)]))
                    record(
                        "materialize_\(shape)_\(count)", seconds * 1000, "ms",
                        "whole run in process, median of 3, a fresh SQLite file each, JSON-files IO manager, up to "
                            + "\(ProcessInfo.processInfo.activeProcessorCount) steps at once; "
                            + String(format: "%.3f ms per asset", seconds * 1000 / Double(count)))
                }
            }
        }
        if wanted("definitions_10000", "selection_upstream", "selection_downstream") {
            await attempt(["definitions_10000", "selection_upstream", "selection_downstream"]) {
                var graph: AssetGraph?
                let build = try measure(rounds: 7) {
                    graph = try Definitions(assets: [randomDAG(size: 10_000)]).assetGraph
                }
                record(
                    "definitions_10000", build * 1000, "ms",
                    "10,000 assets of a random DAG (SplitMix64 seed 42, 2 draws each) into a validated graph "
                        + "(every dependency resolved, cycles checked), median of 7")
                let dag = graph!
                let sink = dag.nodes.indices.last { dag.children[$0].isEmpty }!
                let root = dag.nodes.indices.first { dag.parents[$0].isEmpty }!
                for (id, text) in [
                    ("selection_upstream", "+key:\(dag.nodes[sink].key)"),
                    ("selection_downstream", "key:\(dag.nodes[root].key)+"),
                ] {
                    let selection = try AssetSelection.parse(text)
                    var count = 0
                    let seconds = try measure(rounds: 21) { count = try selection.resolve(in: dag).count }
                    record(id, seconds * 1000, "ms", "'\(text)': \(count) assets selected, median of 21")
                }
            }
        }
        if wanted("dev_start", "dev_memory", "graphql_asset_graph") {
            await attempt(["dev_start", "dev_memory", "graphql_asset_graph"]) {
                let home = out.appendingPathComponent("dev")
                defer { try? FileManager.default.removeItem(at: home) }
                let query = #"{"query":"{ assetGraph { nodes { key group status } edges { from to } } }"}"#
                var queries: [Double] = []
                let (start, kilobytes) = try await devStartAndMemory(subcommand: "dev-10000", home: home) { url in
                    _ = try await fetch(url + "/graphql", body: query)
                    queries.append(
                        try await measureAsync(rounds: 3) { _ = try await fetch(url + "/graphql", body: query) })
                }
                record(
                    "dev_start", start * 1000, "ms",
                    "`dev` (UI, daemon services, definitions of the 10,000-asset DAG in one process) from spawn "
                        + "until GET / answers 200, median of 3")
                record(
                    "dev_memory", Double(kilobytes) / 1024, "MB",
                    "resident memory (VmRSS) of that one process 3 s after")
                record(
                    "graphql_asset_graph", median(queries) * 1000, "ms",
                    "{ assetGraph { nodes { key group status } edges { from to } } } over HTTP, 10,000 assets with "
                        + "status, median of 3 after a warm-up")
            }
        }
        if wanted("backfill_1000_queued") {
            await attempt(["backfill_1000_queued"]) {
                let seconds = try await backfillQueueSeconds()
                record(
                    "backfill_1000_queued", seconds * 1000, "ms",
                    "a backfill of 1,000 daily partitions of one asset, from the request (InstanceOperations, "
                        + "as `backfill launch` and the UI do) until its 1,000 runs are QUEUED, SQLite, median of 3")
            }
        }
        if wanted("schedule_tick_to_run_start") {
            await attempt(["schedule_tick_to_run_start"]) {
                let seconds = try await scheduleTickLatency(home: out.appendingPathComponent("schedule"))
                record(
                    "schedule_tick_to_run_start", seconds * 1000, "ms",
                    "a `* * * * *` schedule's tick time until its run's RUN_START, `daemon` with its defaults "
                        + "(1 s interval, each run in a child process `execute-run`), one tick")
            }
        }
        if wanted("pipes_step_overhead") {
            await attempt(["pipes_step_overhead"]) {
                guard FileManager.default.isExecutableFile(atPath: python) else {
                    throw BenchmarkSkipped(reason: "no Python with dagster-pipes at \(python); run scripts/test first")
                }
                record(
                    "pipes_step_overhead", try await pipesStepOverhead() * 1000, "ms/step",
                    "100 assets each running Benchmarks/pipes/step.py through Pipes, one at a time, minus the "
                        + "script run bare 100 times; median of 3 differences")
            }
        }
        if wanted("dbt_manifest_5000") {
            await attempt(["dbt_manifest_5000"]) {
                let directory = out.appendingPathComponent("dbt")
                let (seconds, assets, bytes) = try await manifestLoadSeconds(in: directory)
                record(
                    "dbt_manifest_5000", seconds * 1000, "ms",
                    "a generated manifest of 5,000 models and 10,000 tests (\(bytes / 1_000_000) MB) into validated "
                        + "Definitions (\(assets) assets, tests as checks), median of 5")
            }
        }
        let version = ProcessInfo.processInfo.environment["CAIRN_VERSION"] ?? "unknown"
        let json = try JSONSerialization.data(
            withJSONObject: ["tool": "cairn", "version": version, "figures": figures],
            options: [.prettyPrinted, .sortedKeys])
        try json.write(to: out.appendingPathComponent("cairn.json"))
    }

    /// A workload that cannot run here, and why.
    struct BenchmarkSkipped: Error, CustomStringConvertible {
        let reason: String
        var description: String { reason }
    }

    /// The median time of launching a backfill of 1,000 daily partitions of one asset until its
    /// runs are queued.
    private static func backfillQueueSeconds() async throws -> Double {
        let daily = Asset<Int>("daily_asset", partitions: .daily(start: "2020-01-01", end: "2022-09-27")) { _ in 1 }
        let definitions = Definitions(assets: [daily])
        return try await measureAsync(rounds: 3) {
            try await withTemporaryStorage { storage in
                let operations = InstanceOperations(definitions: definitions, storage: storage, launchedBy: "bench")
                let backfill = try await operations.launchBackfill("*", partitions: .all)
                let queued = try await storage.runs(
                    matching: RunFilter(statuses: [.notStarted], tags: [Backfill.tag: backfill.id.rawValue]),
                    limit: 2_000,
                    after: nil)
                precondition(queued.count == 1_000, "\(queued.count) runs stored, not 1,000")
            }
        }
    }

    /// The time from a minute's tick of `every_minute` until its run started, with a daemon of
    /// this executable started a few seconds after a minute began.
    private static func scheduleTickLatency(home: URL) async throws -> Double {
        defer { try? FileManager.default.removeItem(at: home) }
        let second = Calendar(identifier: .gregorian).component(.second, from: Date())
        if second > 45 { try await Task.sleep(for: .seconds(62 - second)) }
        let started = Date()
        let daemon = Process()
        daemon.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        daemon.arguments = ["schedule-daemon", "daemon", "--home", home.path]
        var environment = ProcessInfo.processInfo.environment
        environment["CAIRN_BENCH_LOCATION"] = "schedule"
        daemon.environment = environment
        daemon.standardOutput = FileHandle.nullDevice
        daemon.standardError = FileHandle.nullDevice
        try daemon.run()
        defer {
            daemon.terminate()
            daemon.waitUntilExit()
        }
        let deadline = Date() + 90
        while Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            guard FileManager.default.fileExists(atPath: CairnHome(path: home.path).databasePath) else { continue }
            let storage = try SQLiteStorage(path: CairnHome(path: home.path).databasePath)
            for tick in try await storage.scheduleTicks(of: "every_minute", before: nil, limit: 10)
            where tick.scheduledTime > started {
                guard let runID = tick.runIDs.first, let startedAt = try await storage.run(runID)?.startedAt else {
                    continue
                }
                return startedAt.timeIntervalSince(tick.scheduledTime)
            }
        }
        throw BenchmarkSkipped(reason: "no run of the schedule started within 90 s")
    }
}
