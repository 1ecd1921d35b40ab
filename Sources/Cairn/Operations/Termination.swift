/// What asking a run to stop did (`InstanceOperations.terminate`).
public struct Termination: Sendable {
    /// How the request was carried out.
    public enum Outcome: Sendable, Hashable {
        /// The run was queued or not started, and is now CANCELED.
        case canceledBeforeRunning
        /// The run had ended already; it is left as it is.
        case alreadyEnded
        /// The run's own process on this host was sent SIGTERM; the run is CANCELING.
        case signalled(RunWorker)
        /// The run's own process on this host is gone; the run is CANCELED.
        case workerGone(RunWorker)
        /// The run is executed in-process by a daemon (`inProcess`), or on another host, which is
        /// not signalled: its worker reads CANCELING at its next heartbeat and cancels the run.
        case delegated(to: RunWorker?, inProcess: Bool)
    }

    /// The run after the request.
    public var run: Run
    /// How the request was carried out.
    public var outcome: Outcome
}
