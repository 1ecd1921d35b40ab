/// Why a sensor's evaluation failed in a way Cairn itself detects.
public enum SensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The sensor requested runs but has no target to run.
    case noTarget(sensor: String, requests: Int)
    /// A run-status sensor's reaction to `run` threw; the reactions before it are kept in
    /// `completed` (their run requests, and the cursor just before `run`'s event), so `run` is
    /// reacted to again at the next evaluation.
    case reactionFailed(sensor: String, run: RunID, completed: SensorResult, message: String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .noTarget(let sensor, let requests):
            "sensor '\(sensor)' requested \(requests) run(s) but has no target; give it "
                + "`target: .selection(\"...\")` or `target: .job(\"...\")`, or return no run requests"
        case .reactionFailed(let sensor, let run, let completed, let message):
            "sensor '\(sensor)' failed reacting to run \(run): \(message); "
                + (completed.cursor.map { "the cursor stays at event \($0), so " } ?? "")
                + "the run is reacted to again at the next evaluation"
        }
    }
}
