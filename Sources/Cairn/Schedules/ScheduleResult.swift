/// What a schedule decides at a tick: request a run, or skip with a reason.
public enum ScheduleResult: Sendable, Hashable {
    /// Request one run.
    case run(RunRequest)
    /// Request nothing; the reason is recorded with the tick.
    case skip(String)
}
