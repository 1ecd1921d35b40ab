/// A typed handle on an asset's value: what an `Asset` takes in `from:`.
///
/// `Asset`, `SourceAsset` and the `AssetOut`s of a `MultiAsset` are references, so a dependency is
/// written as the value it depends on and a misspelt one does not compile.
public protocol AssetReference<Value>: Sendable {
    /// The type of the asset's value.
    associatedtype Value: Codable & Sendable
    /// The referenced asset's key.
    var key: AssetKey { get }
    /// The IO manager that loads the value for this use, instead of the upstream asset's own.
    var inputIOManager: (any IOManager)? { get }
    /// Which upstream partitions this use loads; the default mapping when `nil`.
    var inputPartitionMapping: PartitionMapping? { get }
}

extension AssetReference {
    /// References load through the upstream asset's IO manager unless `loaded(with:)` says otherwise.
    public var inputIOManager: (any IOManager)? { nil }

    /// References use the default partition mapping unless `partition(_:)` or `partitions(_:)` say otherwise.
    public var inputPartitionMapping: PartitionMapping? { nil }

    /// This input loaded through another IO manager, e.g. a faster or narrower reader of the same data.
    ///
    /// ```swift
    /// Asset("summary", from: orders.loaded(with: .csv(path: "exports/orders.csv"))) { _, orders in ... }
    /// ```
    public func loaded(with ioManager: (any IOManager)?) -> LoadedInput<Self> {
        LoadedInput(upstream: self, inputIOManager: ioManager)
    }
}

/// An upstream reference whose value is loaded through a chosen IO manager.
public struct LoadedInput<Upstream: AssetReference>: AssetReference {
    /// The value type of the upstream asset.
    public typealias Value = Upstream.Value
    /// The upstream reference.
    public let upstream: Upstream
    /// The IO manager that loads the value.
    public let inputIOManager: (any IOManager)?

    /// The upstream asset's key.
    public var key: AssetKey { upstream.key }
    /// The upstream reference's partition mapping.
    public var inputPartitionMapping: PartitionMapping? { upstream.inputPartitionMapping }
}

/// Anything that contributes asset definitions to `Definitions`: an asset, a source asset, a
/// multi-asset, or an array of them (as asset factories return).
public protocol AssetsDefinitionConvertible: Sendable {
    /// The definitions this value contributes.
    var assetsDefinitions: [AssetsDefinition] { get }
    /// The checks it contributes besides those its assets evaluate themselves, such as a dbt
    /// project's tests on its sources; none by default.
    var assetChecks: [AssetCheck] { get }
}

extension AssetsDefinitionConvertible {
    /// None.
    public var assetChecks: [AssetCheck] { [] }
}

extension Array: AssetsDefinitionConvertible where Element: AssetsDefinitionConvertible {
    /// The definitions of all elements, in order.
    public var assetsDefinitions: [AssetsDefinition] { flatMap(\.assetsDefinitions) }
    /// The checks of all elements, in order.
    public var assetChecks: [AssetCheck] { flatMap(\.assetChecks) }
}

extension AssetsDefinition: AssetsDefinitionConvertible {
    /// This definition alone.
    public var assetsDefinitions: [AssetsDefinition] { [self] }
}
