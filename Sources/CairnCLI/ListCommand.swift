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
        let storage = try options.openStorage()
        let latest = try await storage.latestMaterializations(of: indices.map { graph.nodes[$0].key })
        var table = TextTable(header: ["ASSET", "GROUP", "KINDS", "DEPENDS ON", "LAST MATERIALIZATION"])
        for index in indices {
            let node = graph.nodes[index]
            let last: String
            if let record = latest[node.key] {
                last = "\(Formatting.timestamp(record.event.timestamp)) (run \(record.event.runID.short))"
            } else {
                last = node.isSource ? "source" : "never"
            }
            let dependencies = node.spec.dependencyKeys.map(\.description).joined(separator: ", ")
            table.add([
                node.key.description, node.spec.group, node.spec.kinds.joined(separator: ","),
                dependencies.isEmpty ? "-" : dependencies, last,
            ])
        }
        print(table.rendered)
        print("\(indices.count) of \(graph.nodes.count) assets")
    }
}
