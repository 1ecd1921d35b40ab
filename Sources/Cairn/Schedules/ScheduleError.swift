/// Why a schedule cannot be evaluated.
public enum ScheduleError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The cron expression does not parse.
    case invalidCron(schedule: String, CronError)
    /// The time zone is not an IANA identifier this system knows.
    case unknownTimeZone(schedule: String, String)
    /// The schedule's assets are partitioned otherwise than by one time-window definition, and its
    /// `evaluate` closure named no partition.
    case partitionUnknown(schedule: String, reason: String)

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .invalidCron(let schedule, let error):
            "schedule '\(schedule)': \(error)"
        case .unknownTimeZone(let schedule, let zone):
            "schedule '\(schedule)': unknown time zone '\(zone)'; use an IANA identifier such as 'Europe/Vienna' or 'UTC'"
        case .partitionUnknown(let schedule, let reason):
            "schedule '\(schedule)': \(reason)"
        }
    }
}
