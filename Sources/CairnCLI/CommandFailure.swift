import ArgumentParser
import Cairn
import Foundation

/// Prints an error to standard error and returns the exit code that ends the command.
func fail(_ message: String) -> ExitCode {
    FileHandle.standardError.write(Data(("Error: " + message + "\n").utf8))
    return ExitCode.failure
}

/// The most items a list option (`--limit`, `--count`, `--runs`, `--history`) may ask for: every
/// list a command prints is bounded, in time and memory.
let maxListCount = 10_000

/// Refuses a count outside 1...`maxListCount`, naming the option.
func validateCount(_ value: Int, of option: String) throws {
    guard (1...maxListCount).contains(value) else {
        throw ValidationError("\(option) must be between 1 and \(maxListCount), got \(value)")
    }
}

/// Runs `body`, turning the errors that users cause (`UserError`) into a message and a failure exit.
func catchingCairnErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as any UserError {
        throw fail(error.description)
    }
}

/// The validated graph of the code location, or an exit after printing what is wrong.
func validatedGraph() throws -> AssetGraph {
    do {
        return try CodeLocation.definitions.assetGraph
    } catch {
        throw fail(error.description)
    }
}

/// Parses and resolves a selection, or exits after printing where it is wrong.
func selectedNodes(_ selection: String, in graph: AssetGraph) throws -> Set<Int> {
    do {
        return try AssetSelection.parse(selection).resolve(in: graph)
    } catch {
        throw fail(error.description)
    }
}
