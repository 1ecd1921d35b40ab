/// Everything a code location defines: its assets and the default IO manager.
///
/// The definitions are validated when created; `assetGraph` returns the graph or throws every
/// problem found, each with the place in the code where it was written.
///
/// ```swift
/// let definitions = Definitions(assets: [samples, dailyHighs, hottest])
/// let graph = try definitions.assetGraph
/// ```
public struct Definitions: Sendable {
    /// All asset definitions, in the order given.
    public let assets: [AssetsDefinition]
    /// The IO manager for assets that name none; `nil` lets the runner choose (JSON files for
    /// persistent runs, memory for in-process tests).
    public let ioManager: (any IOManager)?

    private let validation: Result<AssetGraph, DefinitionsError>

    /// Creates definitions from assets, source assets, multi-assets and arrays of them.
    public init(assets: [any AssetsDefinitionConvertible] = [], ioManager: (any IOManager)? = nil) {
        let definitions = assets.flatMap(\.assetsDefinitions)
        self.assets = definitions
        self.ioManager = ioManager
        self.validation = Result { () throws(DefinitionsError) in try AssetGraph(definitions) }
    }

    /// The validated asset graph.
    ///
    /// - Throws: `DefinitionsError` listing duplicate keys, invalid names, unknown dependencies
    ///   and cycles.
    public var assetGraph: AssetGraph {
        get throws(DefinitionsError) { try validation.get() }
    }
}
