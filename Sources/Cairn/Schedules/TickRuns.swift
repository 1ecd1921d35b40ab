/// A tick of a schedule or sensor with the runs it requested, as `ScheduleStorage.addRunsOnce(_:)`
/// stores it: its runs created once per run key, its record, and, for a sensor, its new cursor.
public struct TickRuns: Sendable {
    /// The runs requested, each with the run key that creates it at most once per origin.
    public var runs: [(run: Run, runKey: String)]
    /// Whose run keys they are: the schedule's name, or the sensor's storage name.
    public var origin: String
    /// The tick's record; its `scheduleName` names the state whose last tick (and cursor) moves.
    public var tick: ScheduleTick
    /// The new cursor of the state, stored when `storesCursor` (`nil` then clears it).
    public var cursor: String?
    /// Whether the state's cursor is replaced by `cursor`; a schedule's tick keeps it.
    public var storesCursor: Bool

    /// A schedule's tick: the state's cursor is kept.
    public init(_ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick) {
        self.runs = runs
        self.origin = origin
        self.tick = tick
        self.cursor = nil
        self.storesCursor = false
    }

    /// A sensor's tick: `cursor` becomes the state's cursor.
    public init(_ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick, cursor: String?) {
        self.runs = runs
        self.origin = origin
        self.tick = tick
        self.cursor = cursor
        self.storesCursor = true
    }
}
