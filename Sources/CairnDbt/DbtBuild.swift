import Cairn
import Foundation
import Synchronization

/// One `dbt build` of the selected nodes of a run's step: the selection goes in a selectors file
/// of a shadow copy of the project (so thousands of nodes fit), each node's result is recorded
/// as dbt reports it, and the step fails when a node failed, after the others were recorded.
struct DbtBuild: Sendable {
    let project: DbtProject
    /// The built nodes of the multi-asset, by asset key.
    let nodes: [AssetKey: DbtNode]
    /// The tests attached to each node, by the node's unique id.
    let tests: [String: [DbtTest]]
    /// The asset key of each node, by unique id.
    let keys: [String: AssetKey]
    /// Every test, by unique id.
    let testsByID: [String: DbtTest]

    init(project: DbtProject, nodes: [AssetKey: DbtNode], tests: [String: [DbtTest]], keys: [String: AssetKey]) {
        self.project = project
        self.nodes = nodes
        self.tests = tests
        self.keys = keys
        testsByID = Dictionary(tests.values.flatMap { $0 }.map { ($0.uniqueID, $0) }, uniquingKeysWith: { a, _ in a })
    }

    /// Builds the step's assets.
    func run(_ context: AssetContext, outputs: AssetOutputs) async throws {
        let config = try context.config(DbtBuildConfig.self)
        let selected = context.assetKeys.compactMap { nodes[$0] }
        let directory = FileManager.default.temporaryDirectory.path + "/cairn-dbt-" + UUID().uuidString.lowercased()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let targetPath = directory + "/target"
        try FileManager.default.createDirectory(atPath: targetPath, withIntermediateDirectories: true)
        var arguments = [
            "build", "--selector", ShadowProject.selectorName, "--target-path", targetPath, "--log-path",
            directory + "/logs", "--log-level", "debug",
        ]
        if config.fullRefresh { arguments.append("--full-refresh") }
        if let target = config.target { arguments += ["--target", target] }
        var vars = config.vars
        if context.isPartitioned, let window = try? context.partitionTimeWindow {
            vars["min_date"] = .string(ISO8601Timestamp.formatWithOffset(window.start))
            vars["max_date"] = .string(ISO8601Timestamp.formatWithOffset(window.end))
        }
        if !vars.isEmpty { arguments += ["--vars", JSONValue.object(vars).description] }
        context.recordEngineEvent(
            "Running dbt build of \(selected.count) node\(selected.count == 1 ? "" : "s")",
            metadata: ["selector": .text(ShadowProject.selectorName), "vars": .json(.object(vars))])

        let (results, continuation) = AsyncStream.makeStream(of: DbtNodeResult.self)
        let selection = selected.map(\.fqn)
        async let command: DbtCommandOutput = {
            defer { continuation.finish() }
            return try await project.run(
                arguments, context: context, accepting: [0, 1],
                prepare: {
                    // Under the project's lock: the shadow copy and its partial parse are shared by builds.
                    let shadow = try ShadowProject(of: project.directory, selecting: selection)
                    try? FileManager.default.copyItem(
                        atPath: shadow.partialParse, toPath: targetPath + "/partial_parse.msgpack")
                    return shadow.path
                },
                finish: { _ in
                    let kept = project.directory + "/target/cairn_shadow_partial_parse.msgpack"
                    try? FileManager.default.removeItem(atPath: kept)
                    try? FileManager.default.copyItem(atPath: targetPath + "/partial_parse.msgpack", toPath: kept)
                }
            ) { result in
                continuation.yield(result)
            }
        }()
        var failures: [String] = []
        var reported = Set<String>()
        for await result in results {
            reported.insert(result.uniqueID)
            try await record(result, context: context, outputs: outputs, failures: &failures)
        }
        let output = try await command
        // A node dbt never reported (a stale manifest, a lost log line) is not built: never a
        // silent success.
        for node in selected where !reported.contains(node.uniqueID) {
            failures.append("dbt reported no result for \(node.resourceType) '\(node.name)'")
        }
        if failures.isEmpty, output.status != 0 {
            failures = output.errors.isEmpty ? ["dbt build exited with status \(output.status)"] : output.errors
        }
        guard failures.isEmpty else { throw DbtError.buildFailed(failures: failures) }
    }

    /// Records one node's result: a materialization, a check evaluation, or a failure.
    private func record(
        _ result: DbtNodeResult, context: AssetContext, outputs: AssetOutputs, failures: inout [String]
    ) async throws {
        if let key = keys[result.uniqueID], let node = nodes[key], context.assetKeys.contains(key) {
            switch result.status {
            case "success":
                context.addMetadata(result.metadata, for: key)
                try await outputs.materialize(key)
            case "skipped":
                context.log.warning("dbt skipped \(node.resourceType) '\(node.name)': a node upstream of it failed")
            default:
                let message = result.message ?? result.status
                context.log.error("dbt \(node.resourceType) '\(node.name)' failed: \(message)")
                failures.append("\(node.resourceType) '\(node.name)' (\(key)): \(message)")
            }
            return
        }
        guard let test = testsByID[result.uniqueID], let attached = test.attachedNode, let key = keys[attached],
            context.assetKeys.contains(key)
        else { return }
        guard let check = Self.checkResult(of: result, test: test) else {
            context.log.warning("dbt skipped test '\(test.name)': the node it tests was not built")
            return
        }
        context.report(check, for: test.name, asset: key)
        // `warn` is a failing test of warn severity (or under its error threshold); `fail` and
        // `error` fail the build, as they make dbt exit 1.
        if result.status == "fail" || result.status == "error" {
            failures.append("test '\(test.name)' on '\(key)' failed: \(result.message ?? result.status)")
        }
    }

    /// The check result of a test's result; `nil` when dbt skipped the test.
    static func checkResult(of result: DbtNodeResult, test: DbtTest) -> CheckResult? {
        guard result.status != "skipped" else { return nil }
        var metadata: Metadata = ["dbt_unique_id": .text(test.uniqueID)]
        if let failures = result.failures { metadata["failures"] = .int(failures) }
        if let seconds = result.executionTime {
            metadata["execution_time_s"] = .float((seconds * 1000).rounded() / 1000)
        }
        if let column = test.columnName { metadata["column"] = .text(column) }
        let passed = result.status == "pass"
        return CheckResult(
            passed: passed, severity: result.status == "warn" ? .warn : nil,
            description: passed ? nil : result.message, metadata: metadata)
    }

    /// Runs one test on a source with `dbt test`, as the check of its source asset.
    static func runSourceTest(_ test: DbtTest, project: DbtProject, context: AssetContext) async throws -> CheckResult {
        let finished = FinishedResults()
        try await project.run(
            ["test", "--select", "fqn:" + test.fqn.joined(separator: "."), "--log-level", "debug"],
            context: context, accepting: [0, 1], finished: { result in finished.add(result) })
        guard let result = finished.results.first(where: { $0.uniqueID == test.uniqueID }),
            let check = checkResult(of: result, test: test)
        else {
            throw DbtError.commandFailed(
                command: "dbt test --select fqn:\(test.fqn.joined(separator: "."))",
                exit: "did not run test '\(test.name)' (\(test.uniqueID)); the manifest may be stale: reload the "
                    + "definitions, or run `dbt parse`", errors: [])
        }
        return check
    }
}

/// The node results of a dbt command, collected on the thread that reads its output.
private final class FinishedResults: Sendable {
    private let storage = Mutex<[DbtNodeResult]>([])

    func add(_ result: DbtNodeResult) { storage.withLock { $0.append(result) } }

    var results: [DbtNodeResult] { storage.withLock { $0 } }
}
