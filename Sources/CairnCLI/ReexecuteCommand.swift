import ArgumentParser
import Cairn
import Foundation

/// `reexecute <run-id>`: runs an earlier run again, all of it or from its failure.
struct ReexecuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reexecute",
        abstract: "Run an earlier run again as a new run, all of it or only what did not succeed.",
        discussion: """
            With --from-failure only the failed and skipped steps run (and those a killed run never \
            reached); the values of the steps that succeeded are loaded through their IO managers. \
            The new run records the run it re-executes as its parent.
            """)

    @Argument(help: "The run's id, or enough of its first characters to be unique.")
    var id: String

    @Flag(name: .long, help: "Only the steps that failed, were skipped or never ran.")
    var fromFailure = false

    @Option(name: .long, help: "Only the run's assets that match this selection.")
    var select: String?

    @Option(name: .long, help: "Run config (YAML or JSON file) to use instead of the parent run's.")
    var config: String?

    @OptionGroup var concurrency: ConcurrencyOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        if let select { _ = try selectedNodes(select, in: graph) }
        let parent = try await resolveRunID(id, in: try await options.openStorage())
        let runConfig = try loadRunConfig(config)
        try await launchRun(options: options) { operations, observer in
            try await operations.reexecute(
                parent, fromFailure: fromFailure, selection: select, runConfig: runConfig,
                maxConcurrency: concurrency.maxConcurrency, observer: observer)
        }
    }
}
