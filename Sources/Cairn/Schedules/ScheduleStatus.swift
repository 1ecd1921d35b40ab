/// Whether a schedule or sensor is evaluated by the daemon, with Dagster's names.
public enum ScheduleStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// The daemon evaluates its ticks.
    case running = "RUNNING"
    /// The daemon ignores it.
    case stopped = "STOPPED"
}
