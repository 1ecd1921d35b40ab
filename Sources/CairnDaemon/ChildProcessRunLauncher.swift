import Cairn
import Foundation
import Logging
import Synchronization

/// Launches each claimed run as a child process of an executable, by default this one:
/// `<executable> execute-run <run-id> --home <home>`, so that a crash in user code never takes the
/// launching daemon down.
///
/// The child's process id and host are recorded on the run in an ENGINE_EVENT, where run
/// monitoring finds them. When the child exits with a failure status without having ended its
/// run, the run is marked FAILURE (CANCELED when it was being canceled) with the exit status or
/// signal as the reason, the external process groups its steps recorded are killed, and
/// `onWorkerDeath` is called with it.
public final class ChildProcessRunLauncher: RunLauncher {
    /// Where the runs and their events are.
    public let storage: any RunStorage & EventLogStorage
    /// The executable of the code location.
    public let executable: URL
    /// The Cairn home the child processes use.
    public let home: String
    /// Arguments added after `execute-run <run-id> --home <home>`.
    public let extraArguments: [String]
    /// Called with a run this launcher marked FAILURE because its child process died, such as
    /// `RunMonitorService.resumeDeadRun(_:)`.
    public let onWorkerDeath: (@Sendable (Run) async -> Void)?
    private let logger: Logger
    private let children = Mutex<[RunID: Task<Void, Never>]>([:])

    /// Creates a launcher.
    ///
    /// - Parameters:
    ///   - executable: the code location's executable; this process's own by default.
    ///   - home: the Cairn home the runs' child processes use.
    ///   - extraArguments: more arguments of `execute-run`, such as `--max-concurrency 4`.
    public init(
        storage: any RunStorage & EventLogStorage, executable: URL = ChildProcessRunLauncher.currentExecutable,
        home: String, extraArguments: [String] = [], onWorkerDeath: (@Sendable (Run) async -> Void)? = nil,
        logger: Logger = Logger(label: "cairn.daemon")
    ) {
        self.onWorkerDeath = onWorkerDeath
        self.storage = storage
        self.executable = executable
        self.home = home
        self.extraArguments = extraArguments
        self.logger = logger
    }

    /// This process's executable: `CommandLine.arguments[0]` resolved against the working
    /// directory or `PATH`.
    public static var currentExecutable: URL {
        let argument = CommandLine.arguments.first ?? ""
        let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        if argument.contains("/") {
            return URL(fileURLWithPath: argument, relativeTo: base).standardizedFileURL
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(argument)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: Bundle.main.executablePath ?? argument)
    }

    /// Starts the child process, records its process id on the run, and watches for its exit.
    ///
    /// - Throws: when the process cannot be started.
    public func launch(_ run: Run) async throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["execute-run", run.id.rawValue, "--home", home] + extraArguments
        let (exits, exited) = AsyncStream<(status: Int32, signaled: Bool)>.makeStream()
        process.terminationHandler = { process in
            exited.yield((process.terminationStatus, process.terminationReason == .uncaughtSignal))
            exited.finish()
        }
        try process.run()
        let worker = RunWorker(pid: process.processIdentifier, host: ProcessInfo.processInfo.hostName)
        // The child is watched from now on, even when its run ended meanwhile and storage refuses
        // the record of its process: its exit is handled and waited for like any other.
        defer {
            children.withLock { children in
                children[run.id] = Task.detached { [self] in
                    for await exit in exits {
                        await handleExit(of: run.id, worker: worker, status: exit.status, signaled: exit.signaled)
                    }
                    _ = self.children.withLock { $0.removeValue(forKey: run.id) }
                }
            }
        }
        try await storage.append([
            Event(
                .engineEvent, runID: run.id, message: "Launched the run in a child process (\(worker)).",
                metadata: worker.metadata)
        ])
    }

    /// The runs whose child processes are running.
    public var runsInFlight: Set<RunID> {
        children.withLock { Set($0.keys) }
    }

    /// Waits until every launched child process has exited and its exit was handled.
    public func waitForRuns() async {
        while let task = children.withLock({ $0.values.first }) {
            await task.value
        }
    }

    /// Logs how the run of a child ended, and ends it when the child exited with a failure without
    /// ending it.
    private func handleExit(of runID: RunID, worker: RunWorker, status: Int32, signaled: Bool) async {
        let how = signaled ? "was killed by signal \(status)" : "exited with status \(status)"
        do {
            guard let run = try await storage.run(runID) else { return }
            guard !run.status.isTerminal, signaled || status != 0 else {
                logger.info("Run \(runID) \(run.status.rawValue): its process (\(worker)) \(how)")
                return
            }
            let canceling = run.status == .canceling
            let event = Event(
                canceling ? .runCanceled : .runFailure, runID: runID, level: canceling ? .warning : .error,
                message: "The process that ran this run (\(worker)) \(how) before the run ended.")
            if try await storage.transition(event, from: [.starting, .started, .canceling]) != nil {
                logger.warning("Run \(runID) \(canceling ? "CANCELED" : "FAILURE"): its process (\(worker)) \(how)")
                for group in await ExternalProcessGroup.killLeftovers(of: runID, in: storage) {
                    logger.warning("Killed \(group), which run \(runID) started before its process died.")
                }
                if !canceling { await onWorkerDeath?(run) }
            }
        } catch {
            logger.error("Could not record the end of run \(runID) after its process \(how): \(error)")
        }
    }
}
