import Foundation

/// What storage keeps of a schedule between ticks.
public struct ScheduleState: Hashable, Sendable, Codable {
    /// The schedule's name.
    public var name: String
    /// Whether the daemon evaluates it.
    public var status: ScheduleStatus
    /// The last tick evaluated, or when it was started: ticks after it are due.
    public var lastTick: Date?
    /// Free-form state a schedule keeps between ticks.
    public var cursor: String?

    /// Creates a state.
    public init(name: String, status: ScheduleStatus, lastTick: Date? = nil, cursor: String? = nil) {
        self.name = name
        self.status = status
        self.lastTick = lastTick
        self.cursor = cursor
    }
}
