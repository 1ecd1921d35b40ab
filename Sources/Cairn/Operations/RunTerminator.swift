import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Stops runs, as `terminate` does on every face and as run monitoring does with a run past its
/// maximum runtime: the run is marked CANCELING (or CANCELED before it ran) and its own process
/// on this host is signalled; a run whose process does not stop within a grace is marked
/// CANCELED and its process killed.
public struct RunTerminator: Sendable {
    /// Where the runs and their events are.
    public let storage: any RunStorage & EventLogStorage
    /// Who asks, for the events' messages: `cli`, `web`, `run monitoring`.
    public let requester: String

    /// Creates a terminator over a storage.
    public init(storage: any RunStorage & EventLogStorage, requester: String) {
        self.storage = storage
        self.requester = requester
    }

    /// Asks a run to stop: a queued run is canceled at once; a running one is marked CANCELING,
    /// which its worker reads at its next heartbeat and cancels the run, and its own process on
    /// this host is sent SIGTERM; a run whose own process on this host is gone is marked CANCELED
    /// at once. An ended run is left as it is.
    ///
    /// - Parameter reason: why, for the events' messages (a run past its maximum runtime).
    /// - Throws: `OperationError.unknownRun`.
    public func terminate(_ id: RunID, reason: String? = nil) async throws -> Termination {
        guard
            let (run, canceledBeforeRunning) = try await storage.requestTermination(
                of: id, by: requester, reason: reason)
        else {
            throw OperationError.unknownRun(id)
        }
        if canceledBeforeRunning { return Termination(run: run, outcome: .canceledBeforeRunning) }
        if run.status.isTerminal { return Termination(run: run, outcome: .alreadyEnded) }
        // Only a process that executes this run alone, on this host, may be signalled; a daemon
        // executing it in-process among others must not be.
        let dedicated = try await RunWorker.latest(of: run, in: storage, executingOnly: true)
        if let dedicated, dedicated.isLocal {
            guard dedicated.isAlive else {
                let canceled = Event(
                    .runCanceled, runID: id, level: .warning,
                    message: "Terminated by \(requester): the run's process (\(dedicated)) is gone.")
                _ = try await storage.transition(canceled, from: [.starting, .started, .canceling])
                // What its steps started must not go on alone.
                await ExternalProcessGroup.killLeftovers(of: id, in: storage)
                return Termination(run: try await storage.run(id) ?? run, outcome: .workerGone(dedicated))
            }
            kill(dedicated.pid, SIGTERM)
            return Termination(run: run, outcome: .signalled(dedicated))
        }
        let executor = try await RunWorker.latest(of: run, in: storage)
        return Termination(run: run, outcome: .delegated(to: executor, inProcess: dedicated == nil))
    }

    /// Waits up to `grace` for a run asked to stop to end; then marks it CANCELED and kills its
    /// signalled process with SIGKILL.
    ///
    /// - Returns: the run's status at the end, and the process killed with SIGKILL, if any.
    public func awaitTermination(of termination: Termination, grace: Duration) async throws
        -> (status: RunStatus, killed: RunWorker?)
    {
        let id = termination.run.id
        var worker: RunWorker?
        switch termination.outcome {
        case .canceledBeforeRunning, .alreadyEnded, .workerGone: return (termination.run.status, nil)
        case .signalled(let signalled): worker = signalled
        case .delegated: break
        }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if let current = try await storage.run(id), current.status.isTerminal { return (current.status, nil) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await forceCancel(id, after: grace, worker: worker)
    }

    /// Ends a run that did not stop within `grace` of being asked to: marks it CANCELED, kills
    /// its own process on this host with SIGKILL (`worker`, else the one recorded as executing it
    /// alone) and what its steps started. A daemon executing it in-process among others is not
    /// killed: its worker, if alive, finds the run ended at its next heartbeat.
    ///
    /// - Returns: the run's status at the end, and the process killed with SIGKILL, if any.
    public func forceCancel(_ id: RunID, after grace: Duration, worker: RunWorker? = nil) async throws
        -> (status: RunStatus, killed: RunWorker?)
    {
        var process = worker
        if process == nil, let run = try await storage.run(id) {
            process = try await RunWorker.latest(of: run, in: storage, executingOnly: true)
        }
        // Never this process: a daemon or `materialize` executing the run in-process among others.
        let local = process.flatMap { $0.isLocal && $0.pid != getpid() && $0.isAlive ? $0 : nil }
        let canceled = Event(
            .runCanceled, runID: id, level: .warning,
            message: local == nil
                ? "Terminated: the run did not stop within \(grace) of being asked to; its worker, if alive, "
                    + "stops it at its next heartbeat."
                : "Terminated: the run did not stop within \(grace) of being asked to; its process was killed.")
        let record = try await storage.transition(canceled, from: [.starting, .started, .canceling])
        var killed: RunWorker?
        if let local, record != nil {
            kill(local.pid, SIGKILL)
            killed = local
            await ExternalProcessGroup.killLeftovers(of: id, in: storage)
        }
        return (record == nil ? try await storage.run(id)?.status ?? .canceled : .canceled, killed)
    }
}
