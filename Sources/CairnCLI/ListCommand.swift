import ArgumentParser
import Cairn

/// `list`: the assets with their group, kinds, dependencies and last materialization.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the assets with their group, dependencies and last materialization.")

    @Option(name: .long, help: "Only assets matching this selection, e.g. 'group:weather' or '+key:hottest_dates'.")
    var select = "*"

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        let indices = try selectedNodes(select, in: graph).sorted()
        let storage = try await options.openStorage()
        let keys = indices.map { graph.nodes[$0].key }
        let latest = try await storage.latestMaterializations(of: keys)
        let evaluations = try await storage.latestCheckEvaluations(of: keys)
        var table = TextTable(header: ["ASSET", "GROUP", "KINDS", "DEPENDS ON", "CHECKS", "LAST MATERIALIZATION"])
        for index in indices {
            let node = graph.nodes[index]
            let last: String
            if let record = latest[node.key] {
                last = "\(Formatting.timestamp(record.event.timestamp)) (run \(record.event.runID.short))"
            } else {
                last = node.isSource ? "source" : "never"
            }
            let dependencies = node.spec.dependencyKeys.map(\.description).joined(separator: ", ")
            let checkNames = graph.checksOfNode[index].map { graph.checks[$0].spec.name } + node.spec.checks.map(\.name)
            table.add([
                node.key.description, node.spec.group, node.spec.kinds.joined(separator: ","),
                dependencies.isEmpty ? "-" : dependencies,
                Self.checkSummary(checkNames, of: node.key, evaluations: evaluations), last,
            ])
        }
        print(table.rendered)
        print("\(indices.count) of \(graph.nodes.count) assets")
    }

    /// `-`, `not run`, `2/2 passed`, `1/2 passed, 1 not run`, or `1/2 passed, failed: no_nulls`,
    /// from the latest evaluations.
    static func checkSummary(_ names: [String], of key: AssetKey, evaluations: [CheckKey: EventRecord]) -> String {
        guard !names.isEmpty else { return "-" }
        let results = names.map { evaluations[CheckKey(assetKey: key, name: $0)]?.event.checkEvaluation }
        let notRun = results.filter { $0 == nil }.count
        guard notRun < names.count else { return names.count == 1 ? "not run" : "\(names.count) not run" }
        let passed = results.filter { $0?.passed == true }.count
        let failed = results.compactMap { $0 }.filter { !$0.passed }.map(\.checkName)
        return "\(passed)/\(names.count) passed" + (notRun == 0 ? "" : ", \(notRun) not run")
            + (failed.isEmpty ? "" : ", failed: \(failed.joined(separator: ", "))")
    }
}
