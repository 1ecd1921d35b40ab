/// What a sensor decides at an evaluation: runs to request or a reason to skip, and a new cursor.
public struct SensorResult: Sendable, Hashable {
    /// The runs requested; empty when skipped.
    public var runRequests: [RunRequest]
    /// Why nothing was requested, recorded with the tick.
    public var skipReason: String?
    /// The cursor stored for the next evaluation; `nil` keeps the current one.
    public var cursor: String?

    /// Requests `runRequests`, and stores `cursor` when given.
    public init(runRequests: [RunRequest], cursor: String? = nil) {
        self.runRequests = runRequests
        self.skipReason = nil
        self.cursor = cursor
    }

    /// Requests nothing because of `reason`, and stores `cursor` when given.
    public static func skip(_ reason: String, cursor: String? = nil) -> SensorResult {
        var result = SensorResult(runRequests: [], cursor: cursor)
        result.skipReason = reason
        return result
    }
}
