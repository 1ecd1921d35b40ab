import Foundation

/// A set of partitions of one asset in compact form: for each combination of the keys of the
/// secondary dimensions (the empty string when there is one dimension), the positions along the
/// primary dimension as ranges. Positions are stable as partitions are added: time windows are
/// counted from the first, static keys by their place in the list, dynamic keys by their ordinal.
public struct PartitionSubset: Hashable, Sendable {
    /// Ranges of primary positions by the secondary dimensions' keys joined with `|`.
    public private(set) var slices: [String: PartitionRanges]

    /// The empty set.
    public init() {
        slices = [:]
    }

    /// A set of one dimension's positions.
    public init(_ ranges: PartitionRanges) {
        slices = ranges.isEmpty ? [:] : ["": ranges]
    }

    /// A set from its slices.
    public init(slices: [String: PartitionRanges]) {
        self.slices = slices.filter { !$0.value.isEmpty }
    }

    /// Whether the set is empty.
    public var isEmpty: Bool { slices.isEmpty }

    /// How many partitions the set holds.
    public var count: Int { slices.values.reduce(0) { $0 + $1.count } }

    /// Whether the set holds the partition at `position`.
    public func contains(_ position: PartitionPosition) -> Bool {
        slices[position.slice]?.contains(position.index) ?? false
    }

    /// Adds a partition.
    public mutating func insert(_ position: PartitionPosition) {
        slices[position.slice, default: PartitionRanges()].insert(position.index)
    }

    /// Adds the primary positions `range` of one slice.
    public mutating func insert(_ range: Range<Int>, slice: String = "") {
        slices[slice, default: PartitionRanges()].insert(range)
    }

    /// Removes a partition.
    public mutating func remove(_ position: PartitionPosition) {
        guard var ranges = slices[position.slice] else { return }
        ranges.remove(position.index)
        slices[position.slice] = ranges.isEmpty ? nil : ranges
    }

    /// The partitions in either set.
    public func union(_ other: PartitionSubset) -> PartitionSubset {
        PartitionSubset(slices: slices.merging(other.slices) { $0.union($1) })
    }

    /// Adds the partitions of `other`.
    public mutating func formUnion(_ other: PartitionSubset) {
        self = union(other)
    }

    /// The partitions of this set that are not in `other`.
    public func subtracting(_ other: PartitionSubset) -> PartitionSubset {
        var result: [String: PartitionRanges] = [:]
        for (slice, ranges) in slices {
            result[slice] = other.slices[slice].map { ranges.subtracting($0) } ?? ranges
        }
        return PartitionSubset(slices: result)
    }

    /// The partitions in both sets.
    public func intersection(_ other: PartitionSubset) -> PartitionSubset {
        var result: [String: PartitionRanges] = [:]
        for (slice, ranges) in slices {
            if let others = other.slices[slice] { result[slice] = ranges.intersection(others) }
        }
        return PartitionSubset(slices: result)
    }

    /// Every partition, slice by slice in key order and by position within a slice.
    public var positions: [PartitionPosition] {
        slices.keys.sorted().flatMap { slice in slices[slice]!.map { PartitionPosition(slice: slice, index: $0) } }
    }
}

/// Where a partition is in the compact form: the secondary dimensions' keys and the position along
/// the primary dimension.
public struct PartitionPosition: Hashable, Sendable {
    /// The keys of the secondary dimensions joined with `|`; empty with one dimension.
    public var slice: String
    /// The position along the primary dimension.
    public var index: Int

    /// Creates a position.
    public init(slice: String = "", index: Int) {
        self.slice = slice
        self.index = index
    }
}

extension PartitionSubset: Codable {
    private enum CodingKeys: String, CodingKey { case slices }

    /// Decodes slices stored as compact binary ranges.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        var slices: [String: PartitionRanges] = [:]
        for (slice, data) in try container.decode([String: Data].self, forKey: .slices) {
            guard let ranges = PartitionRanges(encoded: data) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .slices, in: container, debugDescription: "slice '\(slice)' is not a valid range encoding")
            }
            slices[slice] = ranges
        }
        self.init(slices: slices)
    }

    /// Encodes each slice's ranges in their compact binary form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(slices.mapValues(\.encoded), forKey: .slices)
    }
}
