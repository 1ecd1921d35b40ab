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

    @Option(name: .long, help: "The largest number of checks run at once (default: the number of cores).")
    var maxConcurrency = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard maxConcurrency >= 1 else {
            throw ValidationError("--max-concurrency must be at least 1, got \(maxConcurrency)")
        }
    }

    func run() async throws {
        let graph = try validatedGraph()
        let selected = try selectedNodes(select, in: graph)
        guard selected.contains(where: { !graph.checksOfNode[$0].isEmpty }) else {
            throw fail("the selected assets have no checks; 'list' shows which assets have checks")
        }
        try await launchRun(options: options) { storage, io, observer in
            try await CodeLocation.definitions.materialize(
                select, storage: storage, defaultIOManager: io, scope: .checksOnly, maxConcurrency: maxConcurrency,
                observer: observer)
        }
    }
}
