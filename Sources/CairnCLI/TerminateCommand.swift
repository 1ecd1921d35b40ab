import ArgumentParser
import Cairn
import CairnDaemon
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
        let storage = try options.openStorage()
        let id = try await resolveRunID(runID, in: storage)
        guard let (run, canceledBeforeRunning) = try await storage.requestTermination(of: id, by: "terminate") else {
            throw fail("no run with id '\(runID)'")
        }
        if canceledBeforeRunning {
            print("Run \(id) CANCELED before it ran.")
            return
        }
        guard !run.status.isTerminal else {
            print("Run \(id) already ended \(run.status.rawValue); left as it is.")
            return
        }
        // Only a process that executes this run alone, on this host, may be signalled; a daemon
        // executing it in-process among others must not be.
        let dedicated = try await RunWorker.latest(of: run, in: storage, executingOnly: true)
        let worker = dedicated.flatMap { $0.isLocal && $0.isAlive ? $0 : nil }
        var wait = grace
        if let worker {
            kill(worker.pid, SIGTERM)
            print("Sent SIGTERM to the run's process (\(worker)); waiting up to \(grace) s for it to stop.")
        } else if let dedicated, dedicated.isLocal {
            print("The run's process (\(dedicated)) is gone.")
            wait = 0
        } else if let executor = try await RunWorker.latest(of: run, in: storage) {
            let how = dedicated == nil ? "in-process by \(executor)" : "by \(executor)"
            print(
                "The run is executed \(how), which is not signalled; it cancels the run at its next heartbeat. "
                    + "Waiting up to \(grace) s for it to stop.")
        }
        let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        while ContinuousClock.now < deadline {
            if let current = try await storage.run(id), current.status.isTerminal {
                print("Run \(id) \(current.status.rawValue).")
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let canceled = Event(
            .runCanceled, runID: id, level: .warning,
            message: worker == nil
                ? "Terminated: the run did not stop within \(wait) s of being asked to; its worker, if alive, "
                    + "stops it at its next heartbeat."
                : "Terminated: the run did not stop within \(grace) s of being asked to; its process was killed.")
        let record = try await storage.transition(canceled, from: [.starting, .started, .canceling])
        if let worker, worker.isAlive {
            kill(worker.pid, SIGKILL)
            print("Sent SIGKILL to the run's process (\(worker)).")
        }
        let status = record == nil ? try await storage.run(id)?.status.rawValue ?? "" : RunStatus.canceled.rawValue
        print("Run \(id) \(status).")
    }
}
