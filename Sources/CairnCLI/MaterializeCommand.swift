import ArgumentParser
import Cairn
import Foundation

/// `materialize --select`: runs the selected assets and shows progress as it goes.
struct MaterializeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "materialize",
        abstract: "Materialize the selected assets as a new run.",
        discussion: """
            Selections use Dagster's syntax: 'key:daily_temperature_highs', 'group:weather', \
            '+key:hottest_dates' (with everything upstream), 'key:daily_temperature_highs+1', \
            'tag:team=finance and not kind:csv', 'roots(*)', '*'.
            """)

    @Option(name: .long, help: "The assets to materialize, in Dagster's selection syntax.")
    var select: String

    @OptionGroup var concurrency: ConcurrencyOptions

    @Option(name: .long, help: "A tag for the run as key=value; repeat for several.")
    var tag: [String] = []

    @Option(name: .long, help: "Run config as a YAML or JSON file: ops: {<asset>: {config: {...}}}.")
    var config: String?

    @Flag(name: .long, help: "Only the selected assets that are stale or were never materialized.")
    var staleOrMissing = false

    @Option(name: .long, help: "The partition of the selected partitioned assets to materialize.")
    var partition: String?

    @Option(
        name: .long,
        help: "A range of partitions FIRST...LAST to materialize in one run (assets with backfillPolicy: .singleRun).")
    var partitionRange: String?

    @OptionGroup var options: HomeOptions

    func validate() throws {
        if partition != nil && partitionRange != nil {
            throw ValidationError("give either --partition or --partition-range, not both")
        }
        if let partitionRange, PartitionKeyRange(parsing: partitionRange) == nil {
            throw ValidationError("--partition-range takes FIRST...LAST, got '\(partitionRange)'")
        }
        do {
            _ = try Run.tags(parsing: tag)
        } catch {
            throw ValidationError("--tag: \(error)")
        }
    }

    func run() async throws {
        let graph = try validatedGraph()
        let selected = try selectedNodes(select, in: graph)
        let tags = try Run.tags(parsing: tag)
        let runConfig = try loadRunConfig(config) ?? .empty
        let selection = partition == nil && partitionRange == nil ? withoutPartitioned(select, selected, graph) : select
        try await launchRun(options: options) { operations, observer in
            try await operations.execute(
                .selection(selection),
                partitionRange: partitionRange.flatMap(PartitionKeyRange.init(parsing:))
                    ?? partition.map { PartitionKeyRange(PartitionKey($0)) },
                staleOrMissingOnly: staleOrMissing, tags: tags, runConfig: runConfig,
                maxConcurrency: concurrency.maxConcurrency, observer: observer)
        }
    }

    /// Without a partition, a selection of partitioned and unpartitioned assets (`'*'`)
    /// materializes the unpartitioned ones and says how to materialize the others.
    private func withoutPartitioned(_ selection: String, _ selected: Set<Int>, _ graph: AssetGraph) -> String {
        let computed = selected.filter { !graph.nodes[$0].isSource }
        let partitioned = computed.filter { graph.nodes[$0].spec.partitions != nil }.map { graph.nodes[$0].key }
            .sorted()
        guard !partitioned.isEmpty, partitioned.count < computed.count else { return selection }
        let names = partitioned.map(\.description)
        print(
            "Leaving out the partitioned asset\(names.count == 1 ? "" : "s") \(names.prefix(5).joined(separator: ", "))"
                + (names.count > 5 ? " and \(names.count - 5) more" : "")
                + ": materialize \(names.count == 1 ? "it" : "them") with --partition KEY, or `backfill launch`.")
        return "(\(selection)) and not (" + partitioned.map { "key:\"\($0)\"" }.joined(separator: " or ") + ")"
    }
}
