import Foundation

/// Runs a selection of assets or a job on a cron schedule, as Dagster's schedules do.
///
/// A schedule requests one run per tick of its cron expression, read in its time zone. When its
/// selection is partitioned by time, each run targets the last partition complete at the tick
/// (the window that ends at a daily schedule's midnight tick is the day before), as Dagster's
/// `build_schedule_from_partitioned_job`. Run config and tags are static, or computed per tick by
/// `evaluate`, which can also skip the tick.
///
/// ```swift
/// Schedule("daily", cron: "0 6 * * *", timezone: "Europe/Vienna", select: "group:weather")
/// Schedule("nightly_export", cron: "@daily", job: "export") { context in
///     .run(RunRequest(tags: ["day": "\(context.scheduledTime)"]))
/// }
/// ```
public struct Schedule: Sendable {
    /// What a schedule's runs execute.
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        /// The assets of a selection in Dagster's syntax (`group:weather`).
        case selection(String)
        /// An op job, by name.
        case job(String)

        /// `select 'group:weather'` or `job 'export'`.
        public var description: String {
            switch self {
            case .selection(let text): "select '\(text)'"
            case .job(let name): "job '\(name)'"
            }
        }
    }

    /// The schedule's name, unique in its definitions.
    public let name: String
    /// The five-field cron expression, or a macro such as `@daily`.
    public let cron: String
    /// The IANA identifier of the zone the cron expression is read in (`Europe/Vienna`).
    public let timezone: String
    /// What the runs execute.
    public let target: Target
    /// The run config of every run, unless `evaluate` gives another.
    public let runConfig: RunConfig
    /// Tags added to every run.
    public let tags: [String: String]
    /// Whether the schedule runs before anyone starts or stops it; Dagster's default is stopped.
    public let defaultStatus: ScheduleStatus
    /// Which of the ticks missed while no daemon ran are run when one starts again.
    public let missedTicks: MissedTickPolicy
    /// What the schedule is for.
    public let description: String?
    /// Computes each tick's run request or skip reason; `nil` requests the static run config and tags.
    public let evaluate: (@Sendable (ScheduleContext) async throws -> ScheduleResult)?
    /// Where the schedule was defined.
    public let location: SourceLocation

    /// Defines a schedule of the assets of `select`.
    public init(
        _ name: String, cron: String, timezone: String = "UTC", select: String, runConfig: RunConfig = .empty,
        tags: [String: String] = [:], defaultStatus: ScheduleStatus = .stopped,
        missedTicks: MissedTickPolicy = .latestOnly, description: String? = nil,
        file: String = #fileID, line: Int = #line,
        evaluate: (@Sendable (ScheduleContext) async throws -> ScheduleResult)? = nil
    ) {
        self.init(
            name, cron: cron, timezone: timezone, target: .selection(select), runConfig: runConfig, tags: tags,
            defaultStatus: defaultStatus, missedTicks: missedTicks, description: description,
            location: SourceLocation(file: file, line: line), evaluate: evaluate)
    }

    /// Defines a schedule of the op job named `job`.
    public init(
        _ name: String, cron: String, timezone: String = "UTC", job: String, runConfig: RunConfig = .empty,
        tags: [String: String] = [:], defaultStatus: ScheduleStatus = .stopped,
        missedTicks: MissedTickPolicy = .latestOnly, description: String? = nil,
        file: String = #fileID, line: Int = #line,
        evaluate: (@Sendable (ScheduleContext) async throws -> ScheduleResult)? = nil
    ) {
        self.init(
            name, cron: cron, timezone: timezone, target: .job(job), runConfig: runConfig, tags: tags,
            defaultStatus: defaultStatus, missedTicks: missedTicks, description: description,
            location: SourceLocation(file: file, line: line), evaluate: evaluate)
    }

    private init(
        _ name: String, cron: String, timezone: String, target: Target, runConfig: RunConfig,
        tags: [String: String], defaultStatus: ScheduleStatus, missedTicks: MissedTickPolicy,
        description: String?, location: SourceLocation,
        evaluate: (@Sendable (ScheduleContext) async throws -> ScheduleResult)?
    ) {
        self.name = name
        self.cron = cron
        self.timezone = timezone
        self.target = target
        self.runConfig = runConfig
        self.tags = tags
        self.defaultStatus = defaultStatus
        self.missedTicks = missedTicks
        self.description = description
        self.location = location
        self.evaluate = evaluate
    }

    /// The cron expression read in the time zone.
    ///
    /// - Throws: `ScheduleError.invalidCron` pointing at the field at fault, or
    ///   `ScheduleError.unknownTimeZone`.
    public func cronSchedule() throws(ScheduleError) -> CronSchedule {
        guard let zone = TimeZone(identifier: timezone) else {
            throw .unknownTimeZone(schedule: name, timezone)
        }
        do {
            return try CronSchedule(cron, timeZone: zone)
        } catch {
            throw .invalidCron(schedule: name, error)
        }
    }

    /// The tag naming the schedule that requested a run, as in Dagster.
    public static let tag = "dagster/schedule_name"
}
