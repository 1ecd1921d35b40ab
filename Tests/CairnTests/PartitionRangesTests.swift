import Cairn
import Foundation
import Testing

@Suite struct PartitionRangesTests {
    @Test func insertsMergeTouchingAndOverlappingRanges() {
        var ranges = PartitionRanges()
        ranges.insert(5..<8)
        ranges.insert(10..<12)
        ranges.insert(8)
        #expect(ranges.ranges == [5..<9, 10..<12])
        ranges.insert(9)
        #expect(ranges.ranges == [5..<12])
        ranges.insert(0..<20)
        #expect(ranges.ranges == [0..<20])
        #expect(ranges.count == 20)
    }

    @Test func removalsSplitRanges() {
        var ranges = PartitionRanges([0..<10])
        ranges.remove(3)
        ranges.remove(6..<8)
        #expect(ranges.ranges == [0..<3, 4..<6, 8..<10])
        #expect(!ranges.contains(3) && ranges.contains(4) && !ranges.contains(7) && ranges.contains(9))
        #expect(ranges.complement(in: 0..<12).ranges == [3..<4, 6..<8, 10..<12])
    }

    /// Random operations agree with a plain set, and the binary form round-trips.
    @Test func randomOperationsAgreeWithASet() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            var ranges = PartitionRanges()
            var other = PartitionRanges()
            var set = Set<Int>()
            var otherSet = Set<Int>()
            for _ in 0..<40 {
                let start = Int.random(in: 0..<200, using: &generator)
                let range = start..<(start + Int.random(in: 1..<10, using: &generator))
                if Bool.random(using: &generator) {
                    ranges.insert(range)
                    set.formUnion(range)
                } else {
                    ranges.remove(range)
                    set.subtract(range)
                }
                let position = Int.random(in: 0..<200, using: &generator)
                other.insert(position)
                otherSet.insert(position)
            }
            #expect(Set(ranges) == set)
            #expect(ranges.count == set.count)
            #expect(Set(ranges.union(other)) == set.union(otherSet))
            #expect(Set(ranges.subtracting(other)) == set.subtracting(otherSet))
            #expect(Set(ranges.intersection(other)) == set.intersection(otherSet))
            #expect(zip(ranges.ranges, ranges.ranges.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound })
            #expect(PartitionRanges(encoded: ranges.encoded) == ranges)
        }
    }

    @Test func corruptBinaryFormsAreRejected() {
        #expect(PartitionRanges(encoded: Data([0x05])) == nil)
        #expect(PartitionRanges(encoded: Data([0x00, 0x00])) == nil)
        #expect(PartitionRanges(encoded: Data()) == PartitionRanges())
    }
}
