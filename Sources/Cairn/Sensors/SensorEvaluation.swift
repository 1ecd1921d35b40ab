import Foundation

/// The pure evaluation of sensors: whether one is due, what it requests, and the runs of its
/// requests. No loops, no clocks: the daemon's `SensorService` passes the times in.
///
/// ```swift
/// if SensorEvaluation.isDue(sensor, lastEvaluation: state.lastTick, now: now) {
///     let result = try await SensorEvaluation.evaluate(sensor, context: context)
/// }
/// ```
public enum SensorEvaluation {
    /// The tag holding the run key of a run a sensor requested, as in Dagster.
    public static let runKeyTag = "dagster/run_key"

    /// Whether `sensor`, last evaluated at `lastEvaluation`, is due at `now`: its minimum interval
    /// has passed, or it was never evaluated.
    public static func isDue(_ sensor: Sensor, lastEvaluation: Date?, now: Date) -> Bool {
        guard let lastEvaluation else { return true }
        return now.timeIntervalSince(lastEvaluation) >= sensor.minimumInterval.inSeconds
    }

    /// What `sensor` requests in `context`: its `evaluate` function's result, skipped with a reason
    /// when it neither requested a run nor gave a reason.
    ///
    /// - Throws: whatever `evaluate` throws.
    public static func evaluate(_ sensor: Sensor, context: SensorContext) async throws -> SensorResult {
        var result = try await sensor.evaluate(context)
        if result.runRequests.isEmpty && result.skipReason == nil {
            result.skipReason = "the sensor requested no run"
        }
        return result
    }

    /// The runs `result` requests, each with its run key (the run's id when it has none).
    ///
    /// - Throws: `SensorError.noTarget` when runs are requested of a sensor with no target;
    ///   `SelectionError` when the selection does not resolve in `graph`.
    public static func runs(for result: SensorResult, of sensor: Sensor, graph: AssetGraph, now: Date) throws
        -> [(run: Run, runKey: String)]
    {
        guard sensor.target != nil || result.runRequests.isEmpty else {
            throw SensorError.noTarget(sensor: sensor.name, requests: result.runRequests.count)
        }
        return try result.runRequests.map { request in
            let run = try run(for: request, of: sensor, graph: graph, now: now)
            return (run, request.runKey ?? run.id.rawValue)
        }
    }

    /// The run `request` creates, queued, tagged with the sensor's name, its tags, the request's
    /// tags, its run key and its partition.
    ///
    /// - Throws: `SelectionError` when the selection does not resolve in `graph`;
    ///   `SensorError.noTarget` when the sensor has no target.
    public static func run(for request: RunRequest, of sensor: Sensor, graph: AssetGraph, now: Date) throws -> Run {
        guard let target = sensor.target else { throw SensorError.noTarget(sensor: sensor.name, requests: 1) }
        var fixed = [Sensor.tag: sensor.name]
        if let runKey = request.runKey { fixed[runKeyTag] = runKey }
        return try request.queuedRun(
            of: target, defaultTags: sensor.tags, fixedTags: fixed, runConfig: request.runConfig, graph: graph, now: now
        )
    }
}
