import ArgumentParser
import Cairn

/// `run <id>`: one run's details and its events, readable.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Show a run and its event log.")

    @Argument(help: "The run's id, or enough of its first characters to be unique.")
    var id: String

    @Flag(name: .long, help: "Also show debug events (inputs loaded, outputs handled).")
    var debug = false

    @Option(name: .long, help: "Only events of this step.")
    var step: String?

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let storage = try options.openStorage()
        let runID = try await resolveRunID(id, in: storage)
        guard let run = try await storage.run(runID) else { throw fail("run \(runID) disappeared") }
        print("Run \(run.id)  \(run.status.rawValue)")
        print("  job: \(run.jobName)   selection: \(run.selection ?? "-")")
        print(
            "  created: \(Formatting.timestamp(run.createdAt))   duration: \(run.duration.map { Formatting.duration(seconds: $0) } ?? "-")"
        )
        if !run.tags.isEmpty {
            print(
                "  tags: \(run.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))"
            )
        }
        print("  assets: \(run.assetKeys.map(\.description).joined(separator: ", "))")
        print("")

        var cursor: Int64?
        var table = TextTable(header: ["TIME", "EVENT", "STEP", "MESSAGE"])
        var details: [Int: [String]] = [:]
        while true {
            let page = try await storage.events(ofRun: runID, after: cursor, limit: 1000)
            for record in page {
                let event = record.event
                guard debug || event.level >= .info, step == nil || event.stepKey == step else { continue }
                table.add([
                    Formatting.timeOfDay(event.timestamp), event.type.rawValue, event.stepKey ?? "", event.message,
                ])
                var lines = Formatting.metadataLines(event.metadata, indent: "      ")
                if let error = event.error {
                    lines.append("      error: \(error.type)")
                    lines += error.stack.map { "        \($0)" }
                }
                if !lines.isEmpty { details[table.rows.count - 1] = lines }
            }
            guard let last = page.last, page.count == 1000 else { break }
            cursor = last.id
        }
        let rendered = table.rendered.split(separator: "\n", omittingEmptySubsequences: false)
        print(rendered[0])
        for (index, line) in rendered.dropFirst().enumerated() {
            print(line)
            for detail in details[index] ?? [] { print(detail) }
        }
    }
}
