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
        let storage = try await options.openStorage()
        let runID = try await resolveRunID(id, in: storage)
        guard let run = try await storage.run(runID) else { throw fail("run \(runID) disappeared") }
        print("Run \(run.id)  \(run.status.rawValue)")
        print(
            "  job: \(Formatting.terminalSafe(run.jobName))   selection: \(Formatting.terminalSafe(run.selection ?? "-"))"
        )
        print(
            "  created: \(Formatting.timestamp(run.createdAt))   duration: \(run.duration.map { Formatting.duration(seconds: $0) } ?? "-")"
        )
        if !run.tags.isEmpty {
            print(
                "  tags: \(Formatting.terminalSafe(run.tags.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ")))"
            )
        }
        print("  assets: \(Formatting.terminalSafe(run.assetKeys.map(\.description).joined(separator: ", ")))")
        print("")

        var cursor: Int64?
        var steps = Set<String>()
        var table = TextTable(header: ["TIME", "EVENT", "STEP", "MESSAGE"])
        var details: [Int: [String]] = [:]
        while true {
            let page = try await storage.events(ofRun: runID, after: cursor, limit: 1000)
            for record in page {
                let event = record.event
                if let key = event.stepKey { steps.insert(key) }
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
        if let step, !steps.contains(step) {
            let known = steps.sorted().map { Formatting.terminalSafe($0) }
            throw fail(
                "run \(run.id) has no step '\(Formatting.terminalSafe(step))'"
                    + (known.isEmpty ? "; it ran no step" : "; its steps: \(known.joined(separator: ", "))"))
        }
        let rendered = table.rendered.split(separator: "\n", omittingEmptySubsequences: false)
        print(rendered[0])
        for (index, line) in rendered.dropFirst().enumerated() {
            print(line)
            for detail in details[index] ?? [] { print(detail) }
        }
    }
}
