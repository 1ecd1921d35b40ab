import Cairn
import Foundation

extension AssetContext {
    /// Runs a command that does not speak Pipes, such as a shell script or `make`: its stdout and
    /// stderr are captured into the run's log, its exit status decides, and the step's
    /// materializations record the command, exit status and duration.
    ///
    /// ```swift
    /// let export = Asset("export", deps: ["orders"]) { context in
    ///     try await context.runCommand(["sh", "-c", "psql -c '\\copy orders to orders.csv csv'"])
    ///     return Nothing()
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - command: the executable (looked up on `PATH`) and its arguments.
    ///   - environment: variables added to this process's environment for the command.
    ///   - workingDirectory: where the command runs; this process's working directory when `nil`.
    ///   - terminationGrace: how long an interrupted process may take to exit before SIGKILL.
    ///   - maxOutputBytes: how much of its stdout and stderr is stored.
    /// - Returns: how long it ran.
    /// - Throws: `ExternalProcessError.processFailed` with the last lines of its stderr when it
    ///   exits with a non-zero status; `CancellationError` when the run was terminated.
    @discardableResult
    public func runCommand(
        _ command: [String],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        terminationGrace: Duration = .seconds(20),
        maxOutputBytes: Int = 16 * 1024 * 1024
    ) async throws -> Duration {
        let quoted = command.shellQuoted
        recordEngineEvent("Running `\(quoted)`", metadata: ["command": .text(quoted)])
        let process = ExternalProcess(
            command: command,
            environment: ProcessInfo.processInfo.environment.merging(environment) { _, given in given },
            workingDirectory: workingDirectory, terminationGrace: terminationGrace, context: self)
        let (exit, stderr) = try await process.run {
            OutputCapture(context: self, maxStoredBytes: maxOutputBytes)
        } outcome: { capture in
            capture.lastStderrLines
        }
        if exit.wasInterrupted {
            recordEngineEvent(
                "`\(quoted)` was interrupted (the run was terminated, or the step overstayed its timeout); it \(exit.description)",
                level: .warning)
            throw CancellationError()
        }
        recordProcessFacts(command: quoted, exit: exit)
        guard exit.succeeded else {
            throw ExternalProcessError.processFailed(
                command: quoted, exit: exit.description, stderr: stderr, exception: nil)
        }
        return exit.duration
    }
}
