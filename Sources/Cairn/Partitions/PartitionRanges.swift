import Foundation

/// A set of partition positions stored as sorted, disjoint, non-adjacent ranges: the compact
/// form in which Cairn keeps which partitions of an asset are materialized, failed or in
/// progress. 147,000 hourly partitions with every other one materialized take 73,500 ranges;
/// a fully materialized asset takes one.
public struct PartitionRanges: Hashable, Sendable, Codable, Sequence {
    /// The ranges, sorted, disjoint and never adjacent.
    public private(set) var ranges: [Range<Int>]

    /// The empty set.
    public init() {
        ranges = []
    }

    /// The set of the positions in `ranges`, which may overlap and come in any order.
    public init(_ ranges: some Sequence<Range<Int>>) {
        self.ranges = []
        for range in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !range.isEmpty {
            if let last = self.ranges.last, range.lowerBound <= last.upperBound {
                self.ranges[self.ranges.count - 1] = last.lowerBound..<Swift.max(last.upperBound, range.upperBound)
            } else {
                self.ranges.append(range)
            }
        }
    }

    /// The set of the given positions.
    public init(positions: some Sequence<Int>) {
        self.init(positions.map { $0..<($0 + 1) })
    }

    /// Whether the set is empty.
    public var isEmpty: Bool { ranges.isEmpty }

    /// How many positions the set holds.
    public var count: Int { ranges.reduce(0) { $0 + $1.count } }

    /// The index of the first range whose upper bound is above `position`.
    private func firstRange(endingAbove position: Int) -> Int {
        var low = 0
        var high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle].upperBound <= position { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// Whether the set holds `position`.
    public func contains(_ position: Int) -> Bool {
        let index = firstRange(endingAbove: position)
        return index < ranges.count && ranges[index].contains(position)
    }

    /// Adds the positions of `range`.
    public mutating func insert(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        // Ranges that overlap or touch `range` merge with it.
        let first = firstRange(endingAbove: range.lowerBound - 1)
        var last = first
        var merged = range
        while last < ranges.count, ranges[last].lowerBound <= range.upperBound {
            merged =
                Swift.min(
                    merged.lowerBound, ranges[last].lowerBound)..<Swift.max(merged.upperBound, ranges[last].upperBound)
            last += 1
        }
        ranges.replaceSubrange(first..<last, with: [merged])
    }

    /// Adds one position.
    public mutating func insert(_ position: Int) {
        insert(position..<(position + 1))
    }

    /// Removes the positions of `range`.
    public mutating func remove(_ range: Range<Int>) {
        guard !range.isEmpty else { return }
        let first = firstRange(endingAbove: range.lowerBound)
        var last = first
        var remainder: [Range<Int>] = []
        while last < ranges.count, ranges[last].lowerBound < range.upperBound {
            let existing = ranges[last]
            if existing.lowerBound < range.lowerBound { remainder.append(existing.lowerBound..<range.lowerBound) }
            if existing.upperBound > range.upperBound { remainder.append(range.upperBound..<existing.upperBound) }
            last += 1
        }
        ranges.replaceSubrange(first..<last, with: remainder)
    }

    /// Removes one position.
    public mutating func remove(_ position: Int) {
        remove(position..<(position + 1))
    }

    /// The positions in either set.
    public func union(_ other: PartitionRanges) -> PartitionRanges {
        PartitionRanges(ranges + other.ranges)
    }

    /// The positions of this set that are not in `other`.
    public func subtracting(_ other: PartitionRanges) -> PartitionRanges {
        var result: [Range<Int>] = []
        var otherIndex = 0
        for range in ranges {
            var start = range.lowerBound
            while otherIndex < other.ranges.count, other.ranges[otherIndex].upperBound <= start { otherIndex += 1 }
            var index = otherIndex
            while index < other.ranges.count, other.ranges[index].lowerBound < range.upperBound {
                let cut = other.ranges[index]
                if cut.lowerBound > start { result.append(start..<cut.lowerBound) }
                start = Swift.max(start, cut.upperBound)
                index += 1
            }
            if start < range.upperBound { result.append(start..<range.upperBound) }
        }
        var difference = PartitionRanges()
        difference.ranges = result
        return difference
    }

    /// The positions in both sets.
    public func intersection(_ other: PartitionRanges) -> PartitionRanges {
        subtracting(subtracting(other))
    }

    /// The positions of `range` that are not in the set: the missing ones.
    public func complement(in range: Range<Int>) -> PartitionRanges {
        PartitionRanges([range]).subtracting(self)
    }

    /// The positions in `range` only.
    public func clamped(to range: Range<Int>) -> PartitionRanges {
        intersection(PartitionRanges([range]))
    }

    /// Iterates over every position, in order.
    public func makeIterator() -> FlattenSequence<[Range<Int>]>.Iterator {
        ranges.joined().makeIterator()
    }

    /// The set in a compact binary form: each range as the gap from the previous range's end and
    /// its length, in LEB128 varints.
    public var encoded: Data {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(ranges.count * 3)
        var previousEnd = 0
        func append(_ value: Int) {
            var remaining = UInt64(bitPattern: Int64(value))
            repeat {
                var byte = UInt8(remaining & 0x7f)
                remaining >>= 7
                if remaining != 0 { byte |= 0x80 }
                bytes.append(byte)
            } while remaining != 0
        }
        for range in ranges {
            append(range.lowerBound - previousEnd)
            append(range.count)
            previousEnd = range.upperBound
        }
        return Data(bytes)
    }

    /// Decodes the compact binary form made by `encoded`; `nil` when the data is not such a form.
    public init?(encoded data: Data) {
        var result: [Range<Int>] = []
        var previousEnd = 0
        var iterator = data.makeIterator()
        func next() -> Int? {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while let byte = iterator.next() {
                guard shift < 64 else { return nil }
                value |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return Int(Int64(bitPattern: value)) }
                shift += 7
            }
            return nil
        }
        while let gap = next() {
            guard let length = next(), length > 0, gap >= 0 || result.isEmpty else { return nil }
            let start = previousEnd + gap
            guard result.isEmpty || start > previousEnd else { return nil }
            result.append(start..<(start + length))
            previousEnd = start + length
        }
        ranges = result
    }
}
