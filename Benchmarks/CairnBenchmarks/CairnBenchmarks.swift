import Cairn
import CairnCLI
import CairnSQLite
import Foundation

/// Measures Cairn's orchestration overhead against the targets of the foundation issue.
///
/// Run with `swift run -c release cairn-benchmarks`; each figure is the median of several rounds.
/// Arguments name the groups to run (`definitions`, `execution`, `partitions`, `automation`, `daemon`, `web`,
/// `pipes`, `dbt`, `retention`, `postgres` (with `CAIRN_BENCH_POSTGRES_URL`, as `scripts/bench-postgres`
/// runs it); `vs-dagster --out DIR` runs the head-to-head's workloads for
/// `scripts/bench-vs-dagster`);
/// none runs them all.
@main enum CairnBenchmarks {
    /// Runs the groups the arguments name, or every group.
    static func main() async throws {
        switch CommandLine.arguments.dropFirst().first {
        case "execute-run":
            // A run the launch latency or schedule benchmark launched as a child process of this executable.
            let schedule = ProcessInfo.processInfo.environment["CAIRN_BENCH_LOCATION"] == "schedule"
            await CodeLocation.main(schedule ? scheduleDefinitions : latencyDefinitions)
            return
        case "dev":
            // The `dev` whose start and memory the web benchmarks measure.
            await CodeLocation.main(devDefinitions, arguments: Array(CommandLine.arguments.dropFirst(2)))
            return
        case "dev-10000":
            // The `dev` of 10,000 assets the head-to-head with Dagster measures.
            await CodeLocation.main(
                Definitions(assets: [randomDAG(size: 10_000)]), arguments: Array(CommandLine.arguments.dropFirst(2)))
            return
        case "vs-dagster":
            try await versusDagsterBenchmarks(arguments: Array(CommandLine.arguments.dropFirst(2)))
            return
        case "schedule-daemon":
            // The daemon whose schedule tick the head-to-head with Dagster times.
            await CodeLocation.main(scheduleDefinitions, arguments: Array(CommandLine.arguments.dropFirst(2)))
            return
        default: break
        }
        let groups = Set(CommandLine.arguments.dropFirst())
        print("Cairn benchmarks (median of rounds, release build recommended)")
        print("")
        if groups.isEmpty || groups.contains("definitions") { try definitionsBenchmarks() }
        if groups.isEmpty || groups.contains("execution") { try await executionBenchmarks() }
        if groups.isEmpty || groups.contains("partitions") { try await partitionBenchmarks() }
        if groups.isEmpty || groups.contains("automation") { try await automationBenchmarks() }
        if groups.isEmpty || groups.contains("daemon") { try await daemonBenchmarks() }
        if groups.isEmpty || groups.contains("web") { try await webBenchmarks() }
        if groups.isEmpty || groups.contains("pipes") { try await pipesBenchmarks() }
        if groups.isEmpty || groups.contains("dbt") { try await dbtBenchmarks() }
        if groups.isEmpty || groups.contains("retention") { try await retentionBenchmarks() }
        if groups.contains("postgres") { try await postgresBenchmarks() }
    }

    /// 10,000 assets in a random DAG with about two dependencies each.
    static func randomDAG(size: Int) -> [Asset<Int>] {
        var generator = SplitMix64(seed: 42)
        return (0..<size).map { index in
            let deps: [AssetKey] =
                index == 0 ? [] : (0..<2).map { _ in "asset_\(Int(generator.next() % UInt64(index)))" }
            return Asset<Int>("asset_\(index)", group: "group_\(index % 20)", deps: Array(Set(deps))) { _ in index }
        }
    }

    /// Building and validating a large graph, and evaluating selections on it.
    static func definitionsBenchmarks() throws {
        let size = 10_000
        var graph: AssetGraph?
        let build = try measure(rounds: 7) {
            let assets = randomDAG(size: size)
            graph = try Definitions(assets: [assets]).assetGraph
        }
        report("build and validate Definitions of \(size) assets", build, target: 0.100)

        let dag = graph!
        let sink = dag.nodes.indices.last { dag.children[$0].isEmpty }!
        let root = dag.nodes.indices.first { dag.parents[$0].isEmpty }!
        let upstreamSelection = try AssetSelection.parse("+key:\(dag.nodes[sink].key)")
        let downstreamSelection = try AssetSelection.parse("key:\(dag.nodes[root].key)+")
        var upstreamCount = 0
        var downstreamCount = 0
        let upstream = try measure(rounds: 21) { upstreamCount = try upstreamSelection.resolve(in: dag).count }
        let downstream = try measure(rounds: 21) { downstreamCount = try downstreamSelection.resolve(in: dag).count }
        report("evaluate '+key:<sink>' (\(upstreamCount) assets selected)", upstream, target: 0.010)
        report("evaluate 'key:<root>+' (\(downstreamCount) assets selected)", downstream, target: 0.010)
    }

    /// The orchestration cost per asset of materializing a long chain and a wide graph.
    static func executionBenchmarks() async throws {
        let count = 1_000
        for (name, assets) in [("chain", chain(count)), ("wide graph", wideGraph(count))] {
            report(
                "materialize \(count) trivial assets as a \(name), per asset (SQLite + JSON files)",
                try await materializeSeconds(Definitions(assets: [assets])) / Double(count), target: 0.001)
        }
    }

    /// `chain_0` → `chain_1` → … : `count` assets, each adding 1 to the one before.
    static func chain(_ count: Int) -> [Asset<Int>] {
        var last = Asset<Int>("chain_0") { _ in 0 }
        var chain = [last]
        for index in 1..<count {
            let previous = last
            last = Asset("chain_\(index)", from: previous) { _, value in value + 1 }
            chain.append(last)
        }
        return chain
    }

    /// `wide_root` and `count - 1` assets that each read it.
    static func wideGraph(_ count: Int) -> [Asset<Int>] {
        let root = Asset<Int>("wide_root") { _ in 1 }
        return [root] + (1..<count).map { index in Asset("wide_\(index)", from: root) { _, value in value + index } }
    }

    /// The median time of materializing every asset of `definitions` in process, each round on a
    /// new storage (by default an SQLite file) with the JSON-files IO manager, at most
    /// `maxConcurrency` steps at once.
    static func materializeSeconds(
        _ definitions: Definitions, rounds: Int = 3,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        storage makeStorage: (URL) async throws -> any InstanceStorage = {
            try SQLiteStorage(path: $0.appendingPathComponent("cairn.sqlite").path)
        }
    ) async throws -> Double {
        try await measureAsync(rounds: rounds) {
            let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID())")
            defer { try? FileManager.default.removeItem(at: home) }
            let storage = try await makeStorage(home)
            let result = try await definitions.materialize(
                "*", storage: storage,
                defaultIOManager: JSONFileIOManager(directory: home.appendingPathComponent("storage").path),
                maxConcurrency: maxConcurrency)
            precondition(result.succeeded, "benchmark run failed")
        }
    }

    /// The median time in seconds of `rounds` calls of `body`.
    static func measure(rounds: Int, _ body: () throws -> Void) rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return median(times)
    }

    /// The median time in seconds of `rounds` calls of `body`.
    static func measureAsync(rounds: Int, _ body: () async throws -> Void) async rethrows -> Double {
        var times: [Double] = []
        for _ in 0..<rounds {
            let start = DispatchTime.now().uptimeNanoseconds
            try await body()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        return median(times)
    }

    /// The median of times measured by hand, for rounds whose setup is not timed.
    static func median(_ times: [Double]) -> Double {
        times.sorted()[times.count / 2]
    }

    /// Prints one figure with its target, if it has one, and whether it meets it.
    static func report(_ name: String, _ seconds: Double, target: Double?) {
        let figure = String(format: "%9.3f ms", seconds * 1000)
        let verdict = target.map { target in
            "(target ≤ \(String(format: "%g ms", target * 1000)), \(seconds <= target ? "ok" : "OVER TARGET"))"
        }
        print("\(name.padding(toLength: 84, withPad: " ", startingAt: 0)) \(figure)  \(verdict ?? "")")
    }
}

/// A small deterministic random number generator, so every run builds the same graph.
struct SplitMix64: RandomNumberGenerator {
    /// The current state, advanced by each number.
    var state: UInt64

    /// A generator that starts from `seed`.
    init(seed: UInt64) { state = seed }

    /// The next number of the sequence.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
