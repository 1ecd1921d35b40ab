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

    @OptionGroup var concurrency: ConcurrencyOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        _ = try validatedGraph()
        let runConfig = try loadRunConfig(config) ?? .empty
        try await launchRun(options: options) { operations, observer in
            try await operations.execute(
                .job(job), runConfig: runConfig, maxConcurrency: concurrency.maxConcurrency, observer: observer)
        }
    }
}
