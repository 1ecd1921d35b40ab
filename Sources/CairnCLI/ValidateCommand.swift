import ArgumentParser
import Cairn

/// `validate`: checks the definitions and reports every problem with its location.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check the definitions: keys, names, dependencies, cycles.")

    func run() async throws {
        let graph = try validatedGraph()
        let groups = Set(graph.nodes.map(\.spec.group))
        let sources = graph.nodes.filter(\.isSource).count
        print(
            "The definitions are valid: \(graph.nodes.count) assets (\(sources) source) "
                + "in \(groups.count) group\(groups.count == 1 ? "" : "s"), \(graph.definitions.count - sources) computations."
        )
    }
}
