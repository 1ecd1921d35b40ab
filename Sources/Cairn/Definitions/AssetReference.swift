/// A typed handle on an asset's value: what an `Asset` takes in `from:`.
///
/// `Asset`, `SourceAsset` and the `AssetOut`s of a `MultiAsset` are references, so a dependency is
/// written as the value it depends on and a misspelt one does not compile.
public protocol AssetReference<Value>: Sendable {
    /// The type of the asset's value.
    associatedtype Value: Codable & Sendable
    /// The referenced asset's key.
    var key: AssetKey { get }
}

/// Anything that contributes asset definitions to `Definitions`: an asset, a source asset, a
/// multi-asset, or an array of them (as asset factories return).
public protocol AssetsDefinitionConvertible: Sendable {
    /// The definitions this value contributes.
    var assetsDefinitions: [AssetsDefinition] { get }
}

extension Array: AssetsDefinitionConvertible where Element: AssetsDefinitionConvertible {
    /// The definitions of all elements, in order.
    public var assetsDefinitions: [AssetsDefinition] { flatMap(\.assetsDefinitions) }
}

extension AssetsDefinition: AssetsDefinitionConvertible {
    /// This definition alone.
    public var assetsDefinitions: [AssetsDefinition] { [self] }
}
