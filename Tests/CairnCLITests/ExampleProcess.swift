import Foundation

/// The output and exit status of one command of an example executable.
struct CommandOutput: Sendable {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// Runs a built example executable (next to the test bundle) as a user would, with exactly the
/// environment variables `environment`.
func runExample(_ name: String, _ arguments: [String], environment: [String: String]) throws -> CommandOutput {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent(name)
    process.arguments = arguments
    process.environment = environment
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandOutput(
        status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
        stderr: String(decoding: stderr, as: UTF8.self))
}

/// Runs blocking work (waiting for a process, reading its output to the end) on a thread of its
/// own, so that it does not hold one of the few threads that every test's async work shares.
func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
