import ArgumentParser
import Cairn

/// `status`: whether each asset is fresh, stale (and why), missing, or a source.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show whether the assets are fresh, stale (and why) or missing.",
        discussion: """
            An asset is stale when its code version changed since it was materialized, when an \
            upstream asset has newer data than it was computed from, when an upstream asset is \
            stale or missing, or when its dependencies changed. 'materialize' brings it up to date; \
            'observe' records new versions of observable source assets.
            """)

    @Option(name: .long, help: "Only assets matching this selection, e.g. 'group:weather' or '+key:hottest_dates'.")
    var select = "*"

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let graph = try validatedGraph()
        let indices = try selectedNodes(select, in: graph).sorted()
        let storage = try await options.openStorage()
        let needed = graph.upstream(of: indices).map { graph.nodes[$0].key }
        async let latestMaterializations = storage.latestMaterializations(of: needed)
        async let latestObservations = storage.latestObservations(of: needed)
        let materializations = try await latestMaterializations
        let observations = try await latestObservations
        let statuses = graph.statuses(of: indices, materializations: materializations, observations: observations)

        var table = TextTable(header: ["ASSET", "STATUS", "WHY", "LAST MATERIALIZATION"])
        var counts: [String: Int] = [:]
        for index in indices {
            let key = graph.nodes[index].key
            let status = statuses[key] ?? .missing
            counts[status.description, default: 0] += 1
            var why = status.reasons.map(\.description).joined(separator: "; ")
            if graph.nodes[index].spec.partitions != nil {
                let (partitionStatus, space) = try await CodeLocation.definitions.partitionStatus(
                    of: key, storage: storage)
                let summary = partitionStatus.summary(in: space)
                let counts =
                    "\(summary.materialized.count)/\(summary.total) partitions materialized"
                    + (summary.failed.isEmpty ? "" : ", \(summary.failed.count) failed")
                why = why.isEmpty ? counts : "\(counts); \(why)"
            }
            let last: String
            if let record = materializations[key] {
                last = "\(Formatting.timestamp(record.event.timestamp)) (run \(record.event.runID.short))"
            } else if let record = observations[key] {
                last = "observed \(Formatting.timestamp(record.event.timestamp)) (run \(record.event.runID.short))"
            } else {
                last = status == .source ? "-" : "never"
            }
            table.add([key.description, status.description, why.isEmpty ? "-" : why, last])
        }
        print(table.rendered)
        let summary = ["fresh", "stale", "missing", "source"].compactMap { name in
            counts[name].map { "\($0) \(name)" }
        }
        print("\(summary.joined(separator: ", ")) of \(indices.count) asset\(indices.count == 1 ? "" : "s")")
    }
}
