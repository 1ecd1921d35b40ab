/// One output of a `MultiAsset`: an asset of its own, with a typed value downstream assets use.
///
/// ```swift
/// let active = AssetOut<[Customer]>("active_customers", description: "Customers seen this month")
/// ```
public struct AssetOut<Value: Codable & Sendable>: AssetReference {
    /// The output asset's spec; its dependencies are those of the multi-asset.
    public let spec: AssetSpec

    /// The output asset's key.
    public var key: AssetKey { spec.key }

    /// Declares an output; the parameters mean what they mean for `Asset`.
    public init(
        _ key: AssetKey,
        description: String? = nil,
        group: String? = nil,
        tags: [String: String] = [:],
        owners: [String] = [],
        kinds: [String] = [],
        codeVersion: String? = nil,
        metadata: Metadata = [:],
        automationCondition: AutomationCondition? = nil
    ) {
        spec = AssetSpec(
            key, description: description, group: group, tags: tags, owners: owners, kinds: kinds,
            codeVersion: codeVersion, metadata: metadata, automationCondition: automationCondition)
        groupWasGiven = group != nil
    }

    /// Whether the output named its own group, which then wins over the multi-asset's.
    let groupWasGiven: Bool
}
