/// Which ticks a schedule runs when the daemon comes back after missing some (it was down, or
/// the schedule's evaluation was slow).
public enum MissedTickPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Only the latest tick due runs; the earlier missed ones are dropped (Dagster's behaviour).
    case latestOnly = "LATEST_ONLY"
    /// Every missed tick runs, oldest first.
    case all = "ALL"
    /// No missed tick runs: only a tick whose time came within the grace period of now.
    case none = "NONE"
}
