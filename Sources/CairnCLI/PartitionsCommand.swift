import ArgumentParser
import Cairn
import Foundation

/// `partitions`: the partition status of assets, and the keys of dynamic partition sets.
struct PartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "partitions",
        abstract: "Show partition status; add and remove dynamic partition keys.",
        subcommands: [
            PartitionStatusCommand.self, AddPartitionsCommand.self, RemovePartitionsCommand.self,
            ListPartitionsCommand.self,
        ],
        defaultSubcommand: PartitionStatusCommand.self)
}

/// `partitions status`: one status bar per partitioned asset, with counts and missing ranges.
struct PartitionStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "One line per partitioned asset: a status bar, counts, and the missing ranges.",
        discussion: """
            In the bar, █ is materialized, ▒ in progress, x failed and ░ missing; each character \
            stands for an equal share of the partitions, and shows the worst state within it.
            """)

    @Option(name: .long, help: "Only assets matching this selection.")
    var select = "*"

    @Option(name: .long, help: "How many missing ranges to list per asset.")
    var ranges = 3

    @Flag(
        name: .long,
        help: "Also count the stale partitions among the latest 1,000 materialized, and show why the first is stale.")
    var stale = false

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let definitions = CodeLocation.definitions
        let graph = try validatedGraph()
        let indices = try selectedNodes(select, in: graph).sorted().filter { graph.nodes[$0].spec.partitions != nil }
        guard !indices.isEmpty else {
            print("No partitioned assets match '\(select)'.")
            return
        }
        let storage = try await options.openStorage()
        let width = indices.map { graph.nodes[$0].key.description.count }.max() ?? 0
        for index in indices {
            let key = graph.nodes[index].key
            let (status, space) = try await definitions.partitionStatus(of: key, storage: storage)
            let summary = status.summary(in: space)
            let name = key.description.padding(toLength: width, withPad: " ", startingAt: 0)
            var parts = ["\(summary.materialized.count)/\(summary.total) materialized"]
            if !summary.failed.isEmpty { parts.append("\(summary.failed.count) failed") }
            if !summary.inProgress.isEmpty { parts.append("\(summary.inProgress.count) in progress") }
            if !summary.missing.isEmpty {
                let shown = summary.ranges(of: summary.missing, in: space, limit: ranges)
                let more = summary.missing.slices.values.reduce(0) { $0 + $1.ranges.count } - shown.count
                parts.append(
                    "\(summary.missing.count) missing: "
                        + shown.map { $0.start == $0.end ? $0.start.rawValue : $0.description }.joined(separator: ", ")
                        + (more > 0 ? " (+\(more) more ranges)" : ""))
            }
            if stale {
                parts.append(try await staleness(of: key, among: summary.materialized, in: space, storage: storage))
            }
            print("\(name)  [\(StatusBar(summary: summary, space: space).rendered)]  \(parts.joined(separator: " · "))")
        }
    }
}

extension PartitionStatusCommand {
    /// How many of the latest 1,000 materialized partitions are stale, and why the first of them is.
    private func staleness(
        of key: AssetKey, among materialized: PartitionSubset, in space: PartitionSpace,
        storage: any EventLogStorage & PartitionStatusStorage & DynamicPartitionsStorage
    ) async throws -> String {
        let keys = Array(space.keys(in: materialized).suffix(1000))
        let statuses = try await CodeLocation.definitions.partitionStatuses(
            of: key, partitions: keys, storage: storage, now: space.now)
        let staleKeys = keys.filter { !(statuses[$0]?.reasons.isEmpty ?? true) }
        guard let first = staleKeys.first, let reasons = statuses[first]?.reasons else {
            return "none of the latest \(keys.count) stale"
        }
        return "\(staleKeys.count) of the latest \(keys.count) stale (\(first): "
            + reasons.map(\.description).joined(separator: "; ") + ")"
    }
}

/// `partitions add <name> <keys>`: adds keys to a dynamic partition set.
struct AddPartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add keys to a dynamic partition set.")

    @Argument(help: "The name of the dynamic partition set.")
    var name: String

    @Argument(help: "The keys to add; keys it holds already are left alone.")
    var keys: [String]

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard !keys.isEmpty else { throw ValidationError("give at least one key to add") }
    }

    func run() async throws {
        let operations = try await options.operations()
        let added = try await catchingCairnErrors { try await operations.addDynamicPartitions(keys, to: name) }
        let given = Set(keys.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }).count
        print("Added \(added) key\(added == 1 ? "" : "s") to '\(name)' (\(given - added) already there).")
    }
}

/// `partitions remove <name> <keys>`: removes keys from a dynamic partition set.
struct RemovePartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove", abstract: "Remove keys from a dynamic partition set.")

    @Argument(help: "The name of the dynamic partition set.")
    var name: String

    @Argument(help: "The keys to remove.")
    var keys: [String]

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let operations = try await options.operations()
        let removed = try await catchingCairnErrors { try await operations.deleteDynamicPartitions(keys, from: name) }
        print("Removed \(removed) key\(removed == 1 ? "" : "s") from '\(name)'.")
    }
}

/// `partitions list <name>`: the keys of a dynamic partition set.
struct ListPartitionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the keys of a dynamic partition set, oldest first.")

    @Argument(help: "The name of the dynamic partition set.")
    var name: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let storage = try await options.openStorage()
        let keys = try await storage.dynamicPartitions(name).keys
        if keys.isEmpty { print("'\(name)' holds no keys. Add some with 'partitions add \(name) <keys>'.") }
        for key in keys { print(key.rawValue) }
    }
}
