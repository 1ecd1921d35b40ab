/// One asset in the graph: its spec and the definition that produces it.
public struct AssetNode: Sendable {
    /// The asset's spec.
    public let spec: AssetSpec
    /// The index of the producing definition in `AssetGraph.definitions`.
    public let definitionIndex: Int
    /// Whether the asset is a source asset, read but never materialized by Cairn.
    public let isSource: Bool

    /// The asset's key.
    public var key: AssetKey { spec.key }
}
