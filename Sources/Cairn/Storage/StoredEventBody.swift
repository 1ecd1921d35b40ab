/// What a storage keeps of an event besides its columns (type, run, step, asset, partition,
/// level, message), as one JSON text: the same form in every storage, absent parts left out.
public struct StoredEventBody: Codable, Sendable {
    /// The event's metadata, when it has any.
    public var metadata: Metadata?
    /// The event's error.
    public var error: ErrorInfo?
    /// The data version of a materialization or observation.
    public var dataVersion: String?
    /// The provenance of a materialization or observation.
    public var provenance: DataProvenance?
    /// The evaluation of a check evaluation event.
    public var checkEvaluation: CheckEvaluation?

    /// The body of `event`.
    public init(of event: Event) {
        metadata = event.metadata.isEmpty ? nil : event.metadata
        error = event.error
        dataVersion = event.dataVersion
        provenance = event.provenance
        checkEvaluation = event.checkEvaluation
    }

    /// The JSON text of the body of `event`, or `nil` when the event has none of its parts.
    public static func json(of event: Event) throws -> String? {
        let body = StoredEventBody(of: event)
        guard
            body.metadata != nil || body.error != nil || body.dataVersion != nil || body.provenance != nil
                || body.checkEvaluation != nil
        else { return nil }
        return try StoredJSON.text(body)
    }
}
