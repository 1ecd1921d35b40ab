import Foundation

/// A half-open interval of time [start, end): the window of one time partition.
public struct TimeWindow: Hashable, Sendable, Codable {
    /// The first instant of the window.
    public var start: Date
    /// The first instant after the window.
    public var end: Date

    /// Creates the window [start, end).
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }
}
