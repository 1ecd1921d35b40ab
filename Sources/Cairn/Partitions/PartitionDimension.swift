import Foundation

/// One dimension of a partition space.
struct PartitionDimension: Sendable {
    enum Source: Sendable {
        case keys(StaticPartitions)
        case time(TimeWindowPartitions)
        case dynamic(DynamicPartitionKeys)
    }

    let name: String?
    let source: Source
    /// The positions of the partitions that exist.
    let existing: PartitionRanges

    init(
        _ definition: PartitionsDefinition, name: String?, now: Date, dynamicKeys: [String: DynamicPartitionKeys]
    ) throws(PartitionsError) {
        self.name = name
        switch definition.kind {
        case .static(let partitions):
            source = .keys(partitions)
            existing = PartitionRanges([0..<partitions.keys.count])
        case .timeWindow(let partitions):
            source = .time(partitions)
            existing = PartitionRanges([0..<partitions.count(at: now)])
        case .dynamic(let dynamic):
            let keys = dynamicKeys[dynamic.name] ?? DynamicPartitionKeys(name: dynamic.name)
            source = .dynamic(keys)
            existing = keys.existing
        case .multi:
            throw .invalidDimensions("a dimension of multi-partitions cannot itself be multi-partitioned")
        case .invalid(let error):
            throw error
        }
    }

    var timeWindow: TimeWindowPartitions? {
        if case .time(let partitions) = source { partitions } else { nil }
    }

    /// The keys of the partitions that exist, in order: for secondary dimensions, which are small.
    var keys: [PartitionKey] {
        switch source {
        case .keys(let partitions): partitions.keys
        case .dynamic(let dynamic): dynamic.keys
        case .time(let partitions): existing.map { partitions.key(at: $0) }
        }
    }

    func index(of key: PartitionKey) -> Int? {
        let index: Int? =
            switch source {
            case .keys(let partitions): partitions.positions[key]
            case .dynamic(let dynamic): dynamic.ordinalByKey[key]
            case .time(let partitions): partitions.index(of: key)
            }
        return index.flatMap { existing.contains($0) ? $0 : nil }
    }

    func key(at index: Int) -> PartitionKey {
        switch source {
        case .keys(let partitions): partitions.keys[index]
        // Callers pass positions of existing partitions; a removed key's ordinal reads as its number.
        case .dynamic(let dynamic): dynamic.keyByOrdinal[index] ?? PartitionKey("#\(index)")
        case .time(let partitions): partitions.key(at: index)
        }
    }
}
