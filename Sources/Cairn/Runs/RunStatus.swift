/// Where a run is in its life, with Dagster's names.
public enum RunStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Created, not yet queued or launched.
    case notStarted = "NOT_STARTED"
    /// Waiting in the run queue.
    case queued = "QUEUED"
    /// Launched; its worker is starting.
    case starting = "STARTING"
    /// Running.
    case started = "STARTED"
    /// Finished with every step successful.
    case success = "SUCCESS"
    /// Finished with a failed step, or ended by an error.
    case failure = "FAILURE"
    /// Asked to stop; its worker is stopping.
    case canceling = "CANCELING"
    /// Stopped before it finished.
    case canceled = "CANCELED"

    /// How far along its life a run with this status is: a run only moves to a later stage.
    public var stage: Int {
        switch self {
        case .notStarted: 0
        case .queued: 1
        case .starting: 2
        case .started: 3
        case .canceling: 4
        case .success, .failure, .canceled: 5
        }
    }

    /// Whether the run has ended; an ended run never changes status again.
    public var isTerminal: Bool {
        switch self {
        case .success, .failure, .canceled: true
        default: false
        }
    }
}
