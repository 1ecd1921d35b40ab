import Foundation

/// What a run knows of partitions: the partitions each of its partitioned assets materializes,
/// and the partition spaces of those assets and of the partitioned assets they load.
struct RunPartitions: Sendable {
    /// The partition spaces of partitioned assets, by key.
    var spaces: [AssetKey: PartitionSpace] = [:]
    /// The partitions each partitioned asset of the run materializes, by key.
    var targets: [AssetKey: PartitionTarget] = [:]
    /// What the run's partitions depend on that does not exist, a sentence per upstream asset.
    var nonexistentUpstream: [String] = []

    /// The keys of the partitions of `upstream` that `consumer` loads through `mapping`, or `nil`
    /// when `upstream` is not partitioned. A step that loads one of its own assets (a check) gets
    /// that asset's target.
    func upstreamKeys(
        of upstream: AssetKey, for consumer: AssetKey, mapping: PartitionMapping?, ownAssets: [AssetKey]
    ) throws -> [PartitionKey]? {
        guard let upstreamSpace = spaces[upstream] else { return nil }
        if ownAssets.contains(upstream) { return targets[upstream]?.keys ?? [] }
        let consumerSpace = spaces[consumer]
        let resolved: ResolvedPartitionMapping?
        do {
            resolved = try ResolvedPartitionMapping.resolve(
                mapping, upstream: upstreamSpace.definition, downstream: consumerSpace?.definition)
        } catch {
            throw PartitionsError.partitionMismatch("'\(consumer)' cannot load '\(upstream)': \(error.reason)")
        }
        guard let resolved else { return nil }
        let subset = resolved.upstream(
            of: targets[consumer]?.subset ?? PartitionSubset(), downstream: consumerSpace, upstream: upstreamSpace)
        return upstreamSpace.keys(in: subset)
    }
}
