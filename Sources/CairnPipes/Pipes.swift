import Cairn
import Foundation

extension AssetContext {
    /// Runs external processes for the step over the Dagster Pipes protocol:
    /// `try await context.pipes.run(["python3", "scripts/orders.py"])`.
    public var pipes: Pipes { Pipes(context: self) }
}

/// Runs an external process as (part of) a step: the process reads the step's context through
/// `open_dagster_pipes()` of the `dagster-pipes` Python package, and reports materializations,
/// checks, logs and custom messages back, which Cairn records as the step's events.
///
/// ```swift
/// let people = Asset("people_over_50", kinds: ["spark"], checks: [AssetCheckSpec("no_minors")]) { context in
///     try await context.pipes.run(["spark-submit", "--master", "local[2]", "jobs/people.py"], extras: ["min_age": 50])
/// }
/// ```
public struct Pipes: Sendable {
    /// The step the processes run for.
    public let context: AssetContext

    /// The longest message line, in bytes: longer ones are skipped with a warning.
    public static var maxMessageBytes: Int { PipesReader.maxMessageBytes }

    /// Runs `command` and waits for it, recording what it reports as it reports it.
    ///
    /// Its stdout and stderr are captured into the run's log (LOGS_CAPTURED events). Each asset
    /// of the step it reports is materialized with the reported metadata and data version; the
    /// others with none. Every asset's materialization also records the command, its exit status
    /// and duration, unless the process reported those labels itself.
    ///
    /// When the run is terminated, the process's group gets SIGINT (Python raises
    /// `KeyboardInterrupt`, so the script still closes its session), then SIGKILL after
    /// `terminationGrace`.
    ///
    /// - Parameters:
    ///   - command: the executable (looked up on `PATH`) and its arguments.
    ///   - extras: values the script reads with `pipes.get_extra(name)` or `pipes.extras`.
    ///   - environment: variables added to this process's environment for the command.
    ///   - workingDirectory: where the command runs; this process's working directory when `nil`.
    ///   - messages: where the script writes its messages: a temporary file by default.
    ///   - bootstrap: how the script finds its context and message channel: environment
    ///     variables, plus command-line arguments for `spark-submit`-style launchers.
    ///   - terminationGrace: how long an interrupted process may take to exit.
    ///   - maxOutputBytes: how much of its stdout and stderr is stored.
    /// - Returns: its custom messages and what it reported.
    /// - Throws: `ExternalProcessError` when it fails, `ProcessLaunchError` when it cannot start,
    ///   `CancellationError` when the run was terminated.
    @discardableResult
    public func run(
        _ command: [String],
        extras: [String: JSONValue] = [:],
        environment: [String: String] = [:],
        workingDirectory: String? = nil,
        messages: PipesMessageChannel = .file,
        bootstrap: PipesBootstrap = .environment,
        terminationGrace: Duration = .seconds(20),
        maxOutputBytes: Int = 16 * 1024 * 1024
    ) async throws -> PipesResult {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let contextPath = directory.path + "/context"
        let messagePath = directory.path + "/messages"
        let contextData = try await PipesContextData.make(for: context, extras: extras)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        try encoder.encode(contextData).write(to: URL(fileURLWithPath: contextPath))
        let messageParams: [String: JSONValue]
        switch messages {
        case .file:
            try Data().write(to: URL(fileURLWithPath: messagePath))
            messageParams = ["path": .string(messagePath), "include_stdio_in_messages": false]
        case .stdout: messageParams = ["stdio": "stdout"]
        case .stderr: messageParams = ["stdio": "stderr"]
        }
        let encodedContext = PipesParams.encode(["path": .string(contextPath)])
        let encodedMessages = PipesParams.encode(messageParams)
        var variables = ProcessInfo.processInfo.environment.merging(environment) { _, given in given }
        variables["DAGSTER_PIPES_CONTEXT"] = encodedContext
        variables["DAGSTER_PIPES_MESSAGES"] = encodedMessages
        if variables["PYTHONUNBUFFERED"] == nil { variables["PYTHONUNBUFFERED"] = "1" }
        var arguments = command
        if bootstrap == .arguments {
            arguments += ["--dagster-pipes-context", encodedContext, "--dagster-pipes-messages", encodedMessages]
        }
        let quoted = command.shellQuoted
        context.recordEngineEvent(
            "[pipes] launching external process `\(quoted)`", metadata: ["command": .text(quoted)])
        let process = ExternalProcess(
            command: arguments, environment: variables, workingDirectory: workingDirectory,
            terminationGrace: terminationGrace, context: context)
        let context = context
        let (exit, outcome) = try await process.run {
            PipesReader(
                context: context, channel: messages, messagePath: messages == .file ? messagePath : nil,
                maxOutputBytes: maxOutputBytes)
        } outcome: { reader in
            PipesOutcome(reader)
        }
        return try finish(command: quoted, exit: exit, outcome: outcome)
    }

    /// Warns about a session that did not open or close, records the process's facts on the
    /// step's assets, and fails the step unless the process succeeded.
    private func finish(command: String, exit: ProcessExit, outcome: PipesOutcome) throws -> PipesResult {
        if exit.wasInterrupted {
            context.recordEngineEvent(
                "[pipes] external process `\(command)` was interrupted (the run was terminated, or the step overstayed its timeout); it \(exit.description)",
                level: .warning)
            throw CancellationError()
        }
        if !outcome.opened {
            context.recordEngineEvent(
                "[pipes] did not receive any messages from external process `\(command)`: it does not call "
                    + "open_dagster_pipes() from dagster-pipes, or it failed before (see its stderr in the captured "
                    + "output); its context and message channel were passed in DAGSTER_PIPES_CONTEXT and "
                    + "DAGSTER_PIPES_MESSAGES. Run a command that does not use Pipes with context.runCommand(_:).",
                level: .warning)
        } else if !outcome.closed {
            context.recordEngineEvent(
                "[pipes] did not receive the closed message from external process `\(command)`: it was killed "
                    + "(SIGTERM, SIGKILL, os._exit) or does not use `with open_dagster_pipes() as pipes:`; "
                    + "messages it buffered may be lost.",
                level: .warning)
        }
        if exit.leftProcessesBehind {
            context.recordEngineEvent(
                "[pipes] processes started by `\(command)` were still running in its process group when it exited; "
                    + "they were left running", level: .warning)
        }
        context.recordProcessFacts(command: command, exit: exit)
        guard exit.succeeded else {
            throw ExternalProcessError.processFailed(
                command: command, exit: exit.description, stderr: outcome.stderrTail, exception: outcome.exception)
        }
        if let exception = outcome.exception, !exception.isCleanExit {
            throw ExternalProcessError.exceptionReported(command: command, exception: exception)
        }
        guard outcome.problems.isEmpty else {
            throw ExternalProcessError.protocolViolation(command: command, problems: outcome.problems)
        }
        return PipesResult(
            exitStatus: 0, customMessages: outcome.customMessages, reportedAssets: outcome.materialized,
            messageCount: outcome.messageCount, duration: exit.duration)
    }
}

/// What a Pipes session left once its process ended.
struct PipesOutcome: Sendable {
    var opened: Bool
    var closed: Bool
    var exception: PipesException?
    var problems: [String]
    var customMessages: [JSONValue]
    var materialized: [AssetKey]
    var messageCount: Int
    var stderrTail: [String]

    init(_ reader: PipesReader) {
        let session = reader.session
        opened = session.opened
        closed = session.closed
        exception = session.exception
        problems = session.problems
        customMessages = session.customMessages
        materialized = session.materialized
        messageCount = session.messageCount
        stderrTail = reader.output.lastStderrLines
    }
}

extension PipesException {
    /// Whether the exception is `sys.exit(0)` (or `sys.exit()`) inside the session: the script
    /// chose to end successfully.
    var isCleanExit: Bool {
        name == "SystemExit" && (message == "SystemExit: 0" || message == "SystemExit" || message == "SystemExit: None")
    }
}
