import ArgumentParser
import Cairn
import CairnDaemon
import Foundation

/// `execute-run <run-id>`: executes a queued or launched run in this process; how the daemon's
/// child processes run runs.
struct ExecuteRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "execute-run",
        abstract: "Execute a queued or launched run in this process (how the daemon runs each run).",
        discussion: """
            A QUEUED run is claimed first, so that no other process launches it; a STARTING run is \
            one a daemon claimed and launched this process for. Exits 0 when the run succeeds, 1 \
            otherwise.
            """)

    @Argument(help: "The run's id, or the first characters of it.")
    var runID: String

    @OptionGroup var concurrency: ConcurrencyOptions

    @Option(name: .long, help: "Milliseconds between two heartbeats of the run.")
    var heartbeatIntervalMs = Int(RunHeartbeat.defaultInterval / .milliseconds(1))

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard heartbeatIntervalMs >= 1 else {
            throw ValidationError("--heartbeat-interval-ms must be at least 1, got \(heartbeatIntervalMs)")
        }
    }

    func run() async throws {
        let storage = try await options.openStorage()
        let id = try await resolveRunID(runID, in: storage)
        guard let run = try await storage.run(id) else { throw fail("no run with id '\(runID)'") }
        let worker = RunWorker.current
        switch run.status {
        case .queued:
            let claim = Event(
                .runStarting, runID: id, message: "Claimed by execute-run (\(worker)).", metadata: worker.metadata)
            guard try await storage.transition(claim, from: [.queued]) != nil else {
                throw fail("run \(id) was launched by another process meanwhile")
            }
        case .starting:
            // The claimer launched this process, or it is gone; a live claimer executes the run itself.
            if let claimer = try await RunWorker.latest(of: run, in: storage), claimer.isAlive,
                claimer.isLocal, claimer.pid != getppid(), claimer.pid != getpid()
            {
                throw fail("run \(id) was claimed by \(claimer), which is alive; 'terminate \(id)' stops it")
            }
        default:
            throw fail(
                "run \(id) is \(run.status.rawValue); only QUEUED runs and STARTING runs launched for this process "
                    + "can be executed")
        }
        try await storage.append([
            Event(.engineEvent, runID: id, message: "Executing the run (\(worker)).", metadata: worker.metadata)
        ])
        try await launchRun(options: options) { operations, observer in
            try await RunExecution(
                definitions: operations.definitions, storage: operations.storage,
                defaultIOManager: operations.defaultIOManager, maxConcurrency: concurrency.maxConcurrency,
                heartbeatInterval: .milliseconds(heartbeatIntervalMs), observer: observer
            ).executeClaimed(run)
        }
    }
}
