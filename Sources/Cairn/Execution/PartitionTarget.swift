import Foundation

/// The partitions of one asset that a step materializes: one key, or a range when the asset's
/// backfill policy lets one run cover several.
public struct PartitionTarget: Sendable {
    /// The partitions' keys, in order.
    public let keys: [PartitionKey]
    /// The same partitions in compact form.
    public let subset: PartitionSubset
    /// The time window from the start of the first partition to the end of the last, when the
    /// partitions are windows of time.
    public let timeWindow: TimeWindow?

    /// The first to the last key.
    public var range: PartitionKeyRange { PartitionKeyRange(keys[0], keys[keys.count - 1]) }

    /// The target of the partitions `subset` of `space`, which must not be empty.
    init(_ subset: PartitionSubset, in space: PartitionSpace) {
        self.subset = subset
        let positions = subset.positions
        keys = positions.map { space.key(at: $0) }
        if let first = positions.first.flatMap({ space.timeWindow(at: $0) }),
            let last = positions.last.flatMap({ space.timeWindow(at: $0) })
        {
            timeWindow = TimeWindow(start: first.start, end: last.end)
        } else {
            timeWindow = nil
        }
    }
}
