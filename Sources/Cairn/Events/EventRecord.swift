/// A stored event with its position in the event log.
public struct EventRecord: Hashable, Sendable, Codable, Identifiable {
    /// The event's position in the log: increasing, never reused, usable as a cursor.
    public let id: Int64
    /// The event.
    public let event: Event

    /// Creates a record.
    public init(id: Int64, event: Event) {
        self.id = id
        self.event = event
    }
}
