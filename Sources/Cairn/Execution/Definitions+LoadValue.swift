extension Definitions {
    /// Loads the stored value of an asset through its IO manager, as a downstream asset would:
    /// for scripts, notebooks and tests (Dagster's `load_asset_value`).
    ///
    /// - Parameters:
    ///   - partition: the partition to load, for a partitioned asset.
    ///   - defaultIOManager: for assets whose definitions, and these Definitions, name none.
    public func loadValue<Reference: AssetReference>(
        of reference: Reference, partition: PartitionKey? = nil, defaultIOManager: any IOManager
    ) async throws -> Reference.Value {
        let resolver = IOManagerResolver(graph: try assetGraph, defaultManager: ioManager ?? defaultIOManager)
        return try await resolver.manager(for: reference.key).loadInput(
            Reference.Value.self,
            context: InputContext(assetKey: reference.key, runID: RunID("load-value"), partitionKey: partition))
    }
}
