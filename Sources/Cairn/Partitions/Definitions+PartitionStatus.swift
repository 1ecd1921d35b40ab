import Foundation

extension Definitions {
    /// The partition status of a partitioned asset: the status stored when its last run ended,
    /// brought up to date with the events stored since. A read: it stores nothing.
    ///
    /// - Throws: `PartitionsError.partitionMismatch` when the asset is not partitioned,
    ///   `SelectionError` when it is unknown, and storage errors.
    public func partitionStatus(
        of key: AssetKey, storage: any RunStorage & PartitionStatusStorage & DynamicPartitionsStorage,
        now: Date = Date()
    ) async throws -> (status: AssetPartitionStatus, space: PartitionSpace) {
        let graph = try assetGraph
        guard let node = graph[key] else {
            let hint = NearestName.hint(for: key.description, among: graph.nodes.map(\.key.description))
            throw SelectionError(text: key.description, column: nil, message: "there is no asset '\(key)'\(hint)")
        }
        guard let definition = node.spec.partitions else {
            throw PartitionsError.partitionMismatch("asset '\(key)' is not partitioned")
        }
        let space = try await PartitionSpace.resolve(definition, now: now, storage: storage)
        return (try await AssetPartitionStatus.current(of: key, space: space, storage: storage), space)
    }
}
