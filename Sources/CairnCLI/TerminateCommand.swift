import ArgumentParser
import Cairn
import Foundation

/// `terminate <run-id>`: stops a run: CANCELING, SIGTERM to its process, SIGKILL after a grace
/// period, CANCELED. A run executed in-process by a daemon, or on another host, is not signalled:
/// its worker reads CANCELING at its next heartbeat and cancels the run.
struct TerminateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "terminate",
        abstract: "Stop a run: ask its process to stop, kill it after a grace period, mark the run CANCELED.",
        discussion: """
            A queued run is canceled at once; a run that has ended is left as it is. A run executed \
            in-process by a daemon, or by a process on another host, is not signalled: its worker \
            sees the run CANCELING at its next heartbeat and cancels it; a run still not stopped \
            after the grace period is marked CANCELED.
            """)

    @Argument(help: "The run's id, or the first characters of it.")
    var runID: String

    @Option(name: .long, help: "Seconds to wait for the run to stop after SIGTERM before SIGKILL.")
    var grace: Double = 10

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard grace >= 0 else { throw ValidationError("--grace must not be negative, got \(grace)") }
    }

    func run() async throws {
        let storage = try await options.openStorage()
        let operations = options.operations(on: storage)
        let id = try await resolveRunID(runID, in: storage)
        let termination = try await catchingCairnErrors { try await operations.terminate(id) }
        switch termination.outcome {
        case .canceledBeforeRunning:
            print("Run \(id) CANCELED before it ran.")
            return
        case .alreadyEnded:
            print("Run \(id) already ended \(termination.run.status.rawValue); left as it is.")
            return
        case .signalled(let worker):
            print("Sent SIGTERM to the run's process (\(worker)); waiting up to \(grace) s for it to stop.")
        case .workerGone(let worker):
            print("The run's process (\(worker)) is gone.")
        case .delegated(let executor, let inProcess):
            if let executor {
                print(
                    "The run is executed \(inProcess ? "in-process by" : "by") \(executor), which is not signalled; "
                        + "it cancels the run at its next heartbeat. Waiting up to \(grace) s for it to stop.")
            }
        }
        let (status, killed) = try await operations.awaitTermination(
            of: termination, grace: .milliseconds(Int(grace * 1000)))
        if let killed { print("Sent SIGKILL to the run's process (\(killed)).") }
        print("Run \(id) \(status.rawValue).")
    }
}
