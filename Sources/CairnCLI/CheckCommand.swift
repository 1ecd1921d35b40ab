import ArgumentParser
import Cairn
import Foundation

/// `check --select`: runs the checks of the selected assets on their stored values.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run the checks of the selected assets on their stored values, without materializing them.")

    @Option(name: .long, help: "The assets whose checks run, in Dagster's selection syntax.")
    var select: String

    @OptionGroup var concurrency: ConcurrencyOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        let selected = try selectedNodes(select, in: graph)
        guard selected.contains(where: { !graph.checksOfNode[$0].isEmpty }) else {
            throw fail("the selected assets have no checks; 'list' shows which assets have checks")
        }
        try await launchRun(options: options) { storage, io, observer in
            try await CodeLocation.definitions.materialize(
                select, storage: storage, defaultIOManager: io, scope: .checksOnly,
                maxConcurrency: concurrency.maxConcurrency,
                observer: observer)
        }
    }
}
