import ArgumentParser
import Foundation

/// The `--max-concurrency` option of commands that launch runs.
struct ConcurrencyOptions: ParsableArguments {
    @Option(name: .long, help: "The largest number of steps run at once (default: the number of cores).")
    var maxConcurrency = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard maxConcurrency >= 1 else {
            throw ValidationError("--max-concurrency must be at least 1, got \(maxConcurrency)")
        }
    }
}
