import Foundation

/// The partitions of a definition as they are at one moment: the time windows that exist by
/// `now`, the keys dynamic sets hold. It converts between keys and the positions that compact
/// subsets keep, without ever listing every partition.
public struct PartitionSpace: Sendable {
    /// The definition.
    public let definition: PartitionsDefinition
    /// The moment the space describes.
    public let now: Date
    /// The dimension whose positions subsets keep as ranges.
    let primary: PartitionDimension
    /// The other dimensions, in the order of their names; their keys join into a subset's slice.
    let secondaries: [PartitionDimension]
    /// The index of the primary dimension among all dimensions in name order (0 with one dimension).
    let primaryIndex: Int

    /// Resolves a definition at `now`, with the keys of the dynamic sets it uses.
    ///
    /// - Throws: the definition's error when its arguments are invalid.
    public init(
        _ definition: PartitionsDefinition, now: Date, dynamicKeys: [String: DynamicPartitionKeys] = [:]
    ) throws(PartitionsError) {
        self.definition = definition
        self.now = now
        switch definition.kind {
        case .multi(let multi):
            var axes: [PartitionDimension] = []
            for dimension in multi.dimensions {
                axes.append(
                    try PartitionDimension(
                        dimension.definition, name: dimension.name, now: now, dynamicKeys: dynamicKeys))
            }
            primaryIndex = multi.primaryIndex
            primary = axes.remove(at: primaryIndex)
            secondaries = axes
        default:
            primary = try PartitionDimension(definition, name: nil, now: now, dynamicKeys: dynamicKeys)
            secondaries = []
            primaryIndex = 0
        }
    }

    /// Resolves a definition at `now`, reading the keys of its dynamic sets from `storage`.
    public static func resolve(
        _ definition: PartitionsDefinition, now: Date, storage: any DynamicPartitionsStorage
    ) async throws -> PartitionSpace {
        var dynamicKeys: [String: DynamicPartitionKeys] = [:]
        for name in definition.dynamicNames where dynamicKeys[name] == nil {
            dynamicKeys[name] = try await storage.dynamicPartitions(name)
        }
        return try PartitionSpace(definition, now: now, dynamicKeys: dynamicKeys)
    }

    /// Every combination of the secondary dimensions' keys, as slices; `[""]` with one dimension.
    public var slices: [String] {
        secondaries.reduce([""]) { prefixes, axis in
            prefixes.flatMap { prefix in axis.keys.map { prefix.isEmpty ? $0.rawValue : prefix + "|" + $0.rawValue } }
        }
    }

    /// Every partition that exists.
    public var all: PartitionSubset {
        let existing = primary.existing
        return PartitionSubset(slices: Dictionary(uniqueKeysWithValues: slices.map { ($0, existing) }))
    }

    /// How many partitions exist.
    public var count: Int {
        secondaries.reduce(primary.existing.count) { $0 * $1.keys.count }
    }

    /// Whether the primary dimension is windows of time.
    public var isTimeWindowed: Bool { primary.timeWindow != nil }

    /// The position of a partition, or `nil` when no such partition exists.
    public func position(of key: PartitionKey) -> PartitionPosition? {
        guard !secondaries.isEmpty else {
            return primary.index(of: key).map { PartitionPosition(index: $0) }
        }
        var parts = key.rawValue.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == secondaries.count + 1 else { return nil }
        let primaryKey = PartitionKey(parts.remove(at: primaryIndex))
        for (part, axis) in zip(parts, secondaries) where axis.index(of: PartitionKey(part)) == nil {
            return nil
        }
        return primary.index(of: primaryKey).map { PartitionPosition(slice: parts.joined(separator: "|"), index: $0) }
    }

    /// The key of the partition at `position`.
    public func key(at position: PartitionPosition) -> PartitionKey {
        let primaryKey = primary.key(at: position.index).rawValue
        guard !secondaries.isEmpty else { return PartitionKey(primaryKey) }
        var parts = position.slice.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        parts.insert(primaryKey, at: primaryIndex)
        return PartitionKey(parts.joined(separator: "|"))
    }

    /// The keys of each dimension of a multi-partition key, by dimension name; for a key of
    /// one dimension, that key under the name `""`.
    public func dimensionKeys(of key: PartitionKey) -> [String: PartitionKey] {
        guard case .multi(let multi) = definition.kind else { return ["": key] }
        let parts = key.rawValue.split(separator: "|", omittingEmptySubsequences: false)
        return Dictionary(
            uniqueKeysWithValues: zip(multi.dimensions.map(\.name), parts.map { PartitionKey(String($0)) }))
    }

    /// The keys of a subset, in order of slice and position.
    public func keys(in subset: PartitionSubset) -> [PartitionKey] {
        subset.positions.map { key(at: $0) }
    }

    /// The subset of the given keys.
    ///
    /// - Throws: `PartitionsError.unknownKey` for a key that is not a partition, with a suggestion.
    public func subset(of keys: [PartitionKey], asset: AssetKey? = nil) throws(PartitionsError) -> PartitionSubset {
        var subset = PartitionSubset()
        for key in keys {
            guard let position = position(of: key) else { throw unknownKey(key, asset: asset) }
            subset.insert(position)
        }
        return subset
    }

    /// The subset of the partitions from `range.start` to `range.end`, both included; with
    /// several dimensions, both ends must share the secondary dimensions' keys.
    public func subset(of range: PartitionKeyRange, asset: AssetKey? = nil) throws(PartitionsError)
        -> PartitionSubset
    {
        guard let start = position(of: range.start) else { throw unknownKey(range.start, asset: asset) }
        guard let end = position(of: range.end) else { throw unknownKey(range.end, asset: asset) }
        guard start.slice == end.slice else {
            throw .invalidRange(range, reason: "its ends differ in dimensions other than the time dimension")
        }
        guard start.index <= end.index else {
            throw .invalidRange(range, reason: "'\(range.start)' comes after '\(range.end)'")
        }
        var subset = PartitionSubset()
        for index in primary.existing.clamped(to: start.index..<(end.index + 1)).ranges {
            subset.insert(index, slice: start.slice)
        }
        return subset
    }

    /// The time window of a partition, when the primary dimension is windows of time.
    public func timeWindow(at position: PartitionPosition) -> TimeWindow? {
        primary.timeWindow?.window(at: position.index)
    }

    /// The time window from the start of the first to the end of the last partition of `subset`,
    /// when the primary dimension is windows of time and `subset` is not empty.
    public func timeWindow(spanning subset: PartitionSubset) -> TimeWindow? {
        let indices = subset.slices.values.flatMap(\.ranges)
        guard let low = indices.map(\.lowerBound).min(), let high = indices.map(\.upperBound).max(),
            let first = timeWindow(at: PartitionPosition(index: low)),
            let last = timeWindow(at: PartitionPosition(index: high - 1))
        else { return nil }
        return TimeWindow(start: first.start, end: last.end)
    }

    /// The partitions whose time windows lie entirely within `window`, in every slice; empty when
    /// the primary dimension is not windows of time.
    public func subset(within window: TimeWindow) -> PartitionSubset {
        guard let partitions = primary.timeWindow else { return PartitionSubset() }
        var indices = partitions.indices(overlapping: window)
        if let first = indices.first, partitions.window(at: first).start < window.start {
            indices = indices.dropFirst()
        }
        if let last = indices.last, partitions.window(at: last).end > window.end { indices = indices.dropLast() }
        let ranges = primary.existing.clamped(to: indices)
        return PartitionSubset(slices: Dictionary(uniqueKeysWithValues: slices.map { ($0, ranges) }))
    }

    /// The last partition that exists in the primary dimension, with one dimension.
    public var lastKey: PartitionKey? {
        guard secondaries.isEmpty, let last = primary.existing.ranges.last else { return nil }
        return primary.key(at: last.upperBound - 1)
    }

    private func unknownKey(_ key: PartitionKey, asset: AssetKey?) -> PartitionsError {
        let candidates: [String] =
            secondaries.isEmpty && primary.existing.count <= 10_000 ? primary.keys.map(\.rawValue) : []
        return .unknownKey(key, asset: asset, suggestion: NearestName.suggestion(for: key.rawValue, among: candidates))
    }
}
