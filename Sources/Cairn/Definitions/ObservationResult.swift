/// What observing a source asset found: the version of its current data, and facts about it.
///
/// ```swift
/// ObservationResult(dataVersion: String(modificationDate.timeIntervalSince1970), metadata: ["bytes": .int(size)])
/// ```
public struct ObservationResult: Sendable, Hashable {
    /// The version of the data as it is now; when it changes, downstream assets become stale.
    public var dataVersion: String
    /// Facts about the data, stored with the observation.
    public var metadata: Metadata

    /// Creates a result.
    public init(dataVersion: String, metadata: Metadata = [:]) {
        self.dataVersion = dataVersion
        self.metadata = metadata
    }
}
