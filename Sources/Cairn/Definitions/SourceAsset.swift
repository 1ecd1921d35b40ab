/// An asset that Cairn reads but does not compute: data that arrives from outside, such as a
/// file dropped by another system or a table of an operational database.
///
/// ```swift
/// let samples = SourceAsset<[Sample]>("sfo_q2_weather_sample",
///     description: "Weather samples, taken every five minutes at SFO",
///     io: .csv(path: "data/sfo_q2_weather_sample.csv"))
/// ```
public struct SourceAsset<Value: Codable & Sendable>: AssetReference, AssetsDefinitionConvertible {
    /// The erased definition registered with `Definitions`.
    public let definition: AssetsDefinition

    /// The asset's key.
    public var key: AssetKey { definition.specs[0].key }

    /// The asset's spec.
    public var spec: AssetSpec { definition.specs[0] }

    /// The definitions this source asset contributes: itself.
    public var assetsDefinitions: [AssetsDefinition] { [definition] }

    /// Declares a source asset whose value `io` loads.
    ///
    /// - Parameter observe: reports the version of the data as it is now (a file's modification
    ///   time, a table's row count); `observe --select` records it, and downstream assets become
    ///   stale when it changes.
    public init(
        _ key: AssetKey,
        description: String? = nil,
        group: String? = nil,
        tags: [String: String] = [:],
        owners: [String] = [],
        kinds: [String] = [],
        metadata: Metadata = [:],
        partitions: PartitionsDefinition? = nil,
        io: (any IOManager)? = nil,
        file: String = #fileID,
        line: Int = #line,
        observe: (@Sendable (AssetContext) async throws -> ObservationResult)? = nil
    ) {
        let spec = AssetSpec(
            key, description: description, group: group, tags: tags, owners: owners, kinds: kinds,
            metadata: metadata, partitions: partitions)
        definition = AssetsDefinition(
            name: AssetsDefinition.stepName(for: key), specs: [spec], ioManager: io,
            location: SourceLocation(file: file, line: line), observe: observe, body: nil)
    }
}
