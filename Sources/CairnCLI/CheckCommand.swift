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

    @Option(name: .long, help: "The partition to check, for partitioned assets.")
    var partition: String?

    @Option(name: .long, help: "A range of partitions FIRST...LAST to check, each in turn.")
    var partitionRange: String?

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        let selected = try selectedNodes(select, in: graph)
        guard selected.contains(where: { !graph.checksOfNode[$0].isEmpty }) else {
            throw fail("the selected assets have no checks; 'list' shows which assets have checks")
        }
        try await launchRun(options: options) { operations, observer in
            try await operations.execute(
                .selection(select), scope: .checksOnly,
                partitionRange: partitionRange.flatMap(PartitionKeyRange.init(parsing:))
                    ?? partition.map { PartitionKeyRange(PartitionKey($0)) },
                maxConcurrency: concurrency.maxConcurrency, observer: observer)
        }
    }
}
