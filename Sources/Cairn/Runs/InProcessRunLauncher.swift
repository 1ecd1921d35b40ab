import Foundation
import Synchronization

/// Executes claimed runs in this process, each in a task of its own, and keeps track of them so
/// that a daemon can wait for the runs in flight before it exits.
///
/// ```swift
/// let launcher = InProcessRunLauncher(
///     definitions: definitions, storage: storage, defaultIOManager: JSONFileIOManager(directory: home.storageDirectory))
/// try await launcher.launch(claimedRun)
/// await launcher.waitForRuns()
/// ```
public final class InProcessRunLauncher: RunLauncher {
    /// The code location's definitions.
    public let definitions: Definitions
    /// Where the runs and their events are.
    public let storage: any RunExecution.Storage
    /// The IO manager of assets whose definitions name none.
    public let defaultIOManager: any IOManager
    /// How many steps each run may execute at once.
    public let maxConcurrency: Int
    /// How often each run records its heartbeat and reads its status, to stop once terminated.
    public let heartbeatInterval: Duration
    /// Called with each event of the launched runs once it is stored.
    public let observer: (@Sendable (EventRecord) -> Void)?
    private let tasks = Mutex<[RunID: Task<Void, Never>]>([:])

    /// Creates a launcher.
    public init(
        definitions: Definitions, storage: any RunExecution.Storage, defaultIOManager: any IOManager,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        heartbeatInterval: Duration = RunHeartbeat.defaultInterval,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) {
        self.definitions = definitions
        self.storage = storage
        self.defaultIOManager = defaultIOManager
        self.maxConcurrency = maxConcurrency
        self.heartbeatInterval = heartbeatInterval
        self.observer = observer
    }

    /// Starts executing the run in a detached task; a storage error that stops it ends the run as
    /// failed when it can still be stored.
    public func launch(_ run: Run) async throws {
        tasks.withLock { tasks in
            tasks[run.id] = Task.detached { [self] in
                do {
                    _ = try await RunExecution(
                        definitions: definitions, storage: storage, defaultIOManager: defaultIOManager,
                        maxConcurrency: maxConcurrency, heartbeatInterval: heartbeatInterval, observer: observer
                    ).executeClaimed(run)
                } catch {
                    let event = Event(
                        .runFailure, runID: run.id, level: .error,
                        message: "Execution of the run stopped: \(error)", error: ErrorInfo(error))
                    if let record = try? await storage.transition(event, from: [.starting, .started, .canceling]) {
                        observer?(record)
                    }
                }
                _ = self.tasks.withLock { $0.removeValue(forKey: run.id) }
            }
        }
    }

    /// The runs being executed.
    public var runsInFlight: Set<RunID> {
        tasks.withLock { Set($0.keys) }
    }

    /// Waits until every launched run has ended, including runs launched while waiting.
    public func waitForRuns() async {
        while let task = tasks.withLock({ $0.values.first }) {
            await task.value
        }
    }
}
