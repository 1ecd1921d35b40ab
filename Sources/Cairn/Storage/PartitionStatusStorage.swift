import Foundation

/// Partition-aware reads of the event log, and the stored partition status of each asset that
/// Cairn keeps up to date incrementally.
public protocol PartitionStatusStorage: Sendable {
    /// Events concerning one asset, oldest first, after the event id `cursor`, of the given
    /// types, at most `limit`.
    func events(ofAsset key: AssetKey, types: Set<EventType>, after cursor: Int64?, limit: Int) async throws
        -> [EventRecord]

    /// The latest materialization of each of the given partitions of an asset that has one,
    /// found in one query whatever the number of keys.
    func latestMaterializations(of key: AssetKey, partitions: [PartitionKey]) async throws
        -> [PartitionKey: EventRecord]

    /// The partition status of an asset as last stored, or `nil`.
    func partitionStatus(of key: AssetKey) async throws -> StoredPartitionStatus?

    /// Stores the partition status of an asset, unless the stored one is more recent (has a
    /// higher cursor).
    func storePartitionStatus(_ status: StoredPartitionStatus, of key: AssetKey) async throws
}

/// The partition status of an asset in the form storage keeps it: opaque data that is valid for
/// the events up to `cursor`.
public struct StoredPartitionStatus: Hashable, Sendable {
    /// The id of the last event the status includes.
    public var cursor: Int64
    /// The encoded status (`AssetPartitionStatus.encoded`).
    public var data: Data

    /// Creates a stored status.
    public init(cursor: Int64, data: Data) {
        self.cursor = cursor
        self.data = data
    }
}
