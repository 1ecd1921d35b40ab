import ArgumentParser
import Cairn

/// `runs`: the most recent runs, newest first, a page at a time.
struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List runs, newest first.")

    @Option(name: .long, help: "How many runs to show.")
    var limit = 20

    @Option(
        name: .long,
        help: "Only runs with this status: \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")).",
        transform: { text in
            guard let status = RunStatus(rawValue: text.uppercased()) else {
                throw ValidationError(
                    "unknown status '\(text)'; use one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return status
        })
    var status: RunStatus?

    @Option(name: .long, help: "Show the runs older than this run id (the next page).")
    var after: String?

    @OptionGroup var options: HomeOptions

    func validate() throws {
        try validateCount(limit, of: "--limit")
    }

    func run() async throws {
        let storage = try await options.openStorage()
        var cursor: RunID?
        if let after { cursor = try await resolveRunID(after, in: storage) }
        let filter = RunFilter(statuses: status.map { [$0] } ?? [])
        let runs = try await storage.runs(matching: filter, limit: limit + 1, after: cursor)
        if runs.isEmpty {
            if cursor != nil {
                print("No more runs.")
            } else if let status {
                print("No runs with status \(status.rawValue).")
            } else {
                print("No runs yet. Start one with 'materialize --select <selection>'.")
            }
            return
        }
        var table = TextTable(header: ["RUN", "STATUS", "CREATED", "DURATION", "ASSETS"])
        for run in runs.prefix(limit) {
            let assets = run.assetKeys.map { $0.description }
            let shown =
                assets.count <= 3
                ? assets.joined(separator: ", ")
                : "\(assets.prefix(3).joined(separator: ", ")) +\(assets.count - 3) more"
            table.add([
                run.id.short, run.status.rawValue, Formatting.timestamp(run.createdAt),
                run.duration.map { Formatting.duration(seconds: $0) } ?? "-", shown,
            ])
        }
        print(table.rendered)
        if runs.count > limit, let last = runs.prefix(limit).last {
            print("More runs: --after \(last.id.short)")
        }
    }
}

/// Finds the run whose id is `text` or starts with it, or exits saying why not.
func resolveRunID(_ text: String, in storage: some RunStorage) async throws -> RunID {
    let matches = try await storage.runs(matching: RunFilter(idPrefix: text.lowercased()), limit: 2, after: nil)
    switch matches.count {
    case 0: throw fail("no run with id '\(text)'; 'runs' lists the runs there are")
    case 1: return matches[0].id
    default: throw fail("'\(text)' matches several runs; give more characters of the id")
    }
}
