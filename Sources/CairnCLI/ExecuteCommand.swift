import ArgumentParser
import Cairn
import Foundation

/// `execute --job`: runs an op job.
struct ExecuteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute",
        abstract: "Run an op job: its ops in dependency order, intermediate values in memory.")

    @Option(name: .long, help: "The job to run.")
    var job: String

    @Option(name: .long, help: "Run config as a YAML or JSON file: ops: {<op>: {config: {...}}}.")
    var config: String?

    @Option(name: .long, help: "The largest number of ops run at once (default: the number of cores).")
    var maxConcurrency = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard maxConcurrency >= 1 else {
            throw ValidationError("--max-concurrency must be at least 1, got \(maxConcurrency)")
        }
    }

    func run() async throws {
        _ = try validatedGraph()
        let runConfig = try loadRunConfig(config) ?? .empty
        try await launchRun(options: options) { storage, _, observer in
            try await CodeLocation.definitions.execute(
                job: job, storage: storage, maxConcurrency: maxConcurrency, runConfig: runConfig, observer: observer)
        }
    }
}
