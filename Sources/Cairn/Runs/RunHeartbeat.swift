import Foundation

/// A sign of life of the process executing a run, written every few seconds while the run is in
/// progress; run monitoring fails a run whose heartbeats stopped, on any host.
public struct RunHeartbeat: Hashable, Sendable {
    /// The run being executed.
    public var runID: RunID
    /// The process executing it.
    public var worker: RunWorker
    /// When the process was last known to be alive.
    public var timestamp: Date

    /// How often a run's worker records its heartbeat unless told otherwise: 5 seconds.
    public static let defaultInterval: Duration = .seconds(5)

    /// Creates a heartbeat.
    public init(runID: RunID, worker: RunWorker, timestamp: Date = Date()) {
        self.runID = runID
        self.worker = worker
        self.timestamp = timestamp
    }
}
