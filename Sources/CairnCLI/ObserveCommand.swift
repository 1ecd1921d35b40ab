import ArgumentParser
import Cairn
import Foundation

/// `observe --select`: records the current data version of the selected observable source assets.
struct ObserveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "observe",
        abstract: "Observe the selected source assets, recording the current version of their data.",
        discussion: """
            Only source assets declared with an 'observe:' function are observed. Assets computed \
            from a source whose data version changed show as stale in 'status'.
            """)

    @Option(name: .long, help: "The source assets to observe, in Dagster's selection syntax.")
    var select: String

    @OptionGroup var concurrency: ConcurrencyOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        _ = try selectedNodes(select, in: graph)
        try await launchRun(options: options) { operations, observer in
            try await operations.execute(
                .selection(select), scope: .observations, maxConcurrency: concurrency.maxConcurrency, observer: observer
            )
        }
    }
}
