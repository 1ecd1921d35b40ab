import Foundation

extension AssetPartitionStatus {
    /// The status of an asset's partitions: the stored status, brought up to date with the events
    /// stored since. A read: it stores nothing.
    static func current(
        of key: AssetKey, space: PartitionSpace, storage: any RunStorage & PartitionStatusStorage
    ) async throws -> AssetPartitionStatus {
        try await computed(of: key, space: space, storage: storage).status
    }

    /// Brings the stored status of an asset's partitions up to date with the events stored since
    /// it was stored, and stores it when it changed: what a run does once it ended, so that reads
    /// only apply the events of later runs. Code that appends events of its own calls it too.
    @discardableResult
    public static func refreshStored(
        of key: AssetKey, space: PartitionSpace, storage: any RunStorage & PartitionStatusStorage
    ) async throws -> AssetPartitionStatus {
        let (status, cursor, changed) = try await computed(of: key, space: space, storage: storage)
        if let cursor, changed {
            try await storage.storePartitionStatus(
                StoredPartitionStatus(cursor: cursor, data: try JSONEncoder().encode(status)), of: key)
        }
        return status
    }

    /// The stored status after applying the events stored since, the id of the last event
    /// applied, and whether it differs from the stored one.
    private static func computed(
        of key: AssetKey, space: PartitionSpace, storage: any RunStorage & PartitionStatusStorage
    ) async throws -> (status: AssetPartitionStatus, cursor: Int64?, changed: Bool) {
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
        return (status, cursor, cursor != start || ended)
    }
}
