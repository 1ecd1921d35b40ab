import Foundation

extension Definitions {
    /// The partition status of a partitioned asset, brought up to date from the events stored
    /// since it was last computed, and stored again.
    ///
    /// - Throws: `PartitionsError.partitionMismatch` when the asset is not partitioned,
    ///   `SelectionError` when it is unknown, and storage errors.
    public func partitionStatus(
        of key: AssetKey, storage: any InstanceStorage, now: Date = Date()
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
        return (try await Self.updatedPartitionStatus(of: key, space: space, storage: storage), space)
    }

    /// The stored status of an asset's partitions after applying the events stored since.
    static func updatedPartitionStatus(
        of key: AssetKey, space: PartitionSpace, storage: any InstanceStorage
    ) async throws -> AssetPartitionStatus {
        let fingerprint = space.definition.fingerprint
        var status = AssetPartitionStatus(fingerprint: fingerprint)
        var cursor: Int64?
        if let stored = try await storage.partitionStatus(of: key),
            let decoded = try? JSONDecoder().decode(AssetPartitionStatus.self, from: stored.data),
            decoded.fingerprint == fingerprint
        {
            status = decoded
            cursor = stored.cursor
        }
        let start = cursor
        let pageSize = 10_000
        while true {
            let page = try await storage.events(
                ofAsset: key, types: AssetPartitionStatus.eventTypes, after: cursor, limit: pageSize)
            status.apply(page.lazy.map(\.event), in: space)
            cursor = page.last?.id ?? cursor
            if page.count < pageSize { break }
        }
        var ended = false
        for runID in status.inProgress.keys {
            if let run = try await storage.run(runID), run.status.isTerminal {
                status.endRun(runID)
                ended = true
            }
        }
        if let cursor, cursor != start || ended {
            try await storage.storePartitionStatus(
                StoredPartitionStatus(cursor: cursor, data: try JSONEncoder().encode(status)), of: key)
        }
        return status
    }
}
