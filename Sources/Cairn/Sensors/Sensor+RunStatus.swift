import Foundation

extension Sensor {
    /// The most run-ending events a run-status sensor reads per evaluation; the rest are read at the next.
    public static let runStatusBatch = 100

    /// A run-status sensor, as Dagster's `@run_status_sensor`: calls `react` once for each run
    /// that ends with `status` (`.success`, `.failure` or `.canceled`), of `monitoredJobs` or
    /// `monitoredAssets` when given, in the order the runs ended. `react` returns the runs to
    /// request of `target` (none for a sensor that only alerts, which needs no target).
    ///
    /// The cursor is the id of the last run-ending event read. The first evaluation starts from
    /// the newest event in storage, so runs that ended before the sensor was first evaluated are
    /// not reported. Runs the sensor requested itself are never reacted to. When `react` throws,
    /// the tick fails and the cursor stays just before that run, which is reacted to again at
    /// the next evaluation: no reaction is lost.
    ///
    /// ```swift
    /// Sensor.onRunStatus(.success, name: "report_after_import", monitoredJobs: ["import"],
    ///                    target: .selection("key:report")) { context in
    ///     [RunRequest(runKey: context.run.id.rawValue)]
    /// }
    /// ```
    public static func onRunStatus(
        _ status: RunStatus, name: String, monitoredJobs: [String] = [], monitoredAssets: [AssetKey] = [],
        target: Schedule.Target? = nil, minimumInterval: Duration = .seconds(30), tags: [String: String] = [:],
        defaultStatus: ScheduleStatus = .stopped, description: String? = nil,
        file: String = #fileID, line: Int = #line,
        react: @escaping @Sendable (RunStatusContext) async throws -> [RunRequest]
    ) -> Sensor {
        let monitor = RunStatusMonitor(status: status, jobs: monitoredJobs, assets: monitoredAssets)
        return Sensor(
            name, target: target, monitor: monitor, minimumInterval: minimumInterval, tags: tags,
            defaultStatus: defaultStatus, description: description ?? "Reacts to \(monitor)",
            location: SourceLocation(file: file, line: line)
        ) { context in
            try await reactToEndedRuns(monitor, context: context, react: react)
        }
    }

    /// The evaluation of a run-status sensor: starts from the newest event at the first, then
    /// reacts to each monitored run whose ending event follows the cursor.
    ///
    /// - Throws: `SensorError.reactionFailed` when `react` throws, with what was done before.
    static func reactToEndedRuns(
        _ monitor: RunStatusMonitor, context: SensorContext,
        react: @Sendable (RunStatusContext) async throws -> [RunRequest]
    ) async throws -> SensorResult {
        guard let cursor = context.cursor.flatMap({ Int64($0) }) else {
            let newest = try await context.storage.lastEventID() ?? 0
            return .skip(
                "first evaluation: runs that ended before event \(newest) are not reported", cursor: "\(newest)")
        }
        guard let eventType = monitor.eventType else {
            return .skip("no run ends with status \(monitor.status.rawValue)")
        }
        let records = try await context.storage.events(after: cursor, types: [eventType], limit: runStatusBatch)
        var requests: [RunRequest] = []
        var reacted: [RunID] = []
        var reached = cursor
        for record in records {
            if let run = try await context.storage.run(record.event.runID), run.tags[tag] != context.sensorName,
                monitor.matches(run)
            {
                let runContext = RunStatusContext(
                    sensorName: context.sensorName, run: run, event: record, evaluationTime: context.evaluationTime,
                    storage: context.storage)
                do {
                    requests += try await react(runContext)
                } catch {
                    var completed = SensorResult(runRequests: requests, cursor: "\(reached)")
                    if requests.isEmpty && !reacted.isEmpty { completed.skipReason = reactions(to: reacted) }
                    throw SensorError.reactionFailed(
                        sensor: context.sensorName, run: run.id, completed: completed, message: "\(error)")
                }
                reacted.append(run.id)
            }
            reached = record.id
        }
        guard requests.isEmpty else { return SensorResult(runRequests: requests, cursor: "\(reached)") }
        return .skip(
            reacted.isEmpty ? "no monitored run ended with status \(monitor.status.rawValue)" : reactions(to: reacted),
            cursor: "\(reached)")
    }

    /// The skip reason of an evaluation that reacted to `runs` without requesting any run.
    private static func reactions(to runs: [RunID]) -> String {
        "reacted to \(runs.count) run(s): \(runs.map(\.rawValue).joined(separator: ", "))"
    }
}
