import Foundation

extension Run {
    /// The tag that bounds how long a run may take once started, as Dagster's `dagster/max_runtime`:
    /// seconds (`3600`) or a number with a unit (`90s`, `30m`, `2h`, `1d`). A run past it is
    /// terminated as `terminate` does, by its own worker or by the daemon's run monitoring.
    public static let maxRuntimeTag = "cairn/max_runtime"

    /// The duration a `cairn/max_runtime` tag's value names.
    ///
    /// - Throws: `OperationError.invalidMaxRuntime` for anything but a positive, finite number of
    ///   seconds, minutes (`m`), hours (`h`) or days (`d`), at most 366 days.
    public static func maxRuntime(parsing value: String) throws(OperationError) -> Duration {
        let text = value.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(suffix: String, seconds: Double)] = [("s", 1), ("m", 60), ("h", 3600), ("d", 86400)]
        let unit = units.first { text.hasSuffix($0.suffix) }
        guard let number = Double(unit.map { String(text.dropLast($0.suffix.count)) } ?? text), number.isFinite,
            number > 0, number * (unit?.seconds ?? 1) <= 366 * 86400
        else { throw .invalidMaxRuntime(value) }
        return .milliseconds(Int64((number * (unit?.seconds ?? 1) * 1000).rounded(.up)))
    }

    /// How long the run may take once started: its `cairn/max_runtime` tag, else `default`; `nil`
    /// when neither bounds it or the tag is not a duration (refused when the run was planned).
    public func maxRuntime(default fallback: Duration? = nil) -> Duration? {
        guard let value = tags[Self.maxRuntimeTag] else { return fallback }
        return try? Self.maxRuntime(parsing: value)
    }

    /// Why the run is to be terminated for taking too long: it started more than its maximum
    /// runtime before `now`; `nil` when it did not, has no bound, or is not STARTED (a run STARTING
    /// too long is run monitoring's `startingTimeout`; a CANCELING one is being terminated).
    ///
    /// - Parameter fallback: the bound of runs without the tag (the daemon's `--max-runtime`).
    public func overstayedRuntime(now: Date, default fallback: Duration? = nil) -> String? {
        guard status == .started, let started = startedAt, let limit = maxRuntime(default: fallback)
        else { return nil }
        let elapsed = now.timeIntervalSince(started)
        let seconds = limit.inSeconds
        guard elapsed > seconds else { return nil }
        let source = tags[Self.maxRuntimeTag] != nil ? "its tag \(Self.maxRuntimeTag)" : "the daemon's --max-runtime"
        return "The run exceeded its maximum runtime of \(Self.describe(seconds)) (\(source)): it ran for "
            + "\(Self.describe(elapsed)); terminated."
    }

    /// `0.2 s`, `45 s`, `30 min`, `1 min 5 s`, `2 h`, `2 h 5 min`.
    private static func describe(_ seconds: Double) -> String {
        if seconds < 59.95 {
            return seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
        }
        let whole = Int(seconds.rounded())
        let (hours, minutes, rest) = (whole / 3600, whole % 3600 / 60, whole % 60)
        if hours == 0 { return rest == 0 ? "\(minutes) min" : "\(minutes) min \(rest) s" }
        return minutes == 0 ? "\(hours) h" : "\(hours) h \(minutes) min"
    }
}
