import Foundation

/// Requests runs when something outside the schedule changes, as Dagster's sensors do.
///
/// The daemon evaluates a running sensor at most once per `minimumInterval`. Its `evaluate`
/// function reads the cursor it stored last time and the instance's storage, and returns run
/// requests or a skip reason, and a new cursor. A request's run key creates at most one run, ever,
/// per sensor, even with several daemons on one storage.
///
/// ```swift
/// Sensor("new_files", select: "group:weather") { context in
///     let files = try newFiles(after: context.cursor)
///     guard let last = files.last else { return .skip("no new file") }
///     return SensorResult(runRequests: files.map { RunRequest(runKey: $0) }, cursor: last)
/// }
/// ```
public struct Sensor: Sendable {
    /// The sensor's name, unique in its definitions.
    public let name: String
    /// What the runs execute; `nil` for a sensor that only reacts (an alert) and requests no run.
    public let target: Schedule.Target?
    /// The ended runs a run-status sensor reacts to; `nil` for other sensors.
    public let monitor: RunStatusMonitor?
    /// The least time between two evaluations.
    public let minimumInterval: Duration
    /// Tags added to every run.
    public let tags: [String: String]
    /// Whether the sensor runs before anyone starts or stops it; Dagster's default is stopped.
    public let defaultStatus: ScheduleStatus
    /// What the sensor is for.
    public let description: String?
    /// Computes the run requests or skip reason, and the new cursor.
    public let evaluate: @Sendable (SensorContext) async throws -> SensorResult
    /// Where the sensor was defined.
    public let location: SourceLocation

    /// Defines a sensor of the assets of `select`.
    public init(
        _ name: String, select: String, minimumInterval: Duration = .seconds(30), tags: [String: String] = [:],
        defaultStatus: ScheduleStatus = .stopped, description: String? = nil,
        file: String = #fileID, line: Int = #line,
        evaluate: @escaping @Sendable (SensorContext) async throws -> SensorResult
    ) {
        self.init(
            name, target: .selection(select), minimumInterval: minimumInterval, tags: tags,
            defaultStatus: defaultStatus, description: description,
            location: SourceLocation(file: file, line: line), evaluate: evaluate)
    }

    /// Defines a sensor of the op job named `job`.
    public init(
        _ name: String, job: String, minimumInterval: Duration = .seconds(30), tags: [String: String] = [:],
        defaultStatus: ScheduleStatus = .stopped, description: String? = nil,
        file: String = #fileID, line: Int = #line,
        evaluate: @escaping @Sendable (SensorContext) async throws -> SensorResult
    ) {
        self.init(
            name, target: .job(job), minimumInterval: minimumInterval, tags: tags, defaultStatus: defaultStatus,
            description: description, location: SourceLocation(file: file, line: line), evaluate: evaluate)
    }

    /// Defines a sensor of `target`, or one that requests no run when `target` is `nil`.
    init(
        _ name: String, target: Schedule.Target?, monitor: RunStatusMonitor? = nil, minimumInterval: Duration,
        tags: [String: String], defaultStatus: ScheduleStatus, description: String?, location: SourceLocation,
        evaluate: @escaping @Sendable (SensorContext) async throws -> SensorResult
    ) {
        self.name = name
        self.target = target
        self.monitor = monitor
        self.minimumInterval = minimumInterval
        self.tags = tags
        self.defaultStatus = defaultStatus
        self.description = description
        self.location = location
        self.evaluate = evaluate
    }

    /// The name the sensor's state and ticks are stored under in `ScheduleStorage`: `sensor:<name>`.
    public var storageName: String { Self.storagePrefix + name }

    /// The prefix of sensors' names in `ScheduleStorage`; no schedule's name may start with it.
    public static let storagePrefix = "sensor:"

    /// The tag naming the sensor that requested a run, as in Dagster.
    public static let tag = "dagster/sensor_name"
}
