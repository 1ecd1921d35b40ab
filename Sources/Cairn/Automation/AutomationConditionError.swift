/// What is wrong with an automation condition.
public enum AutomationConditionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The cron expression of `onCron` or `cronTickPassed` does not parse.
    case invalidCron(String, CronError)
    /// The time zone is not a known identifier.
    case unknownTimeZone(String)

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .invalidCron(let cron, let error):
            "the cron expression '\(cron)' is invalid: \(error)"
        case .unknownTimeZone(let zone):
            "the time zone '\(zone)' is unknown; use an IANA identifier such as 'UTC' or 'Europe/Vienna'"
        }
    }
}
