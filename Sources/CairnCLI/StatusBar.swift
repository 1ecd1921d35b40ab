import Cairn

/// The status of an asset's partitions drawn as a line of characters.
struct StatusBar {
    let summary: PartitionStatusSummary
    let space: PartitionSpace
    var width = 40

    /// The characters: each covers an equal share of the positions and shows the worst state in it.
    var rendered: String {
        let positions = summary.materialized.union(summary.failed).union(summary.inProgress).union(summary.missing)
        let bounds = positions.slices.values.compactMap { ranges -> Range<Int>? in
            guard let first = ranges.ranges.first, let last = ranges.ranges.last else { return nil }
            return first.lowerBound..<last.upperBound
        }
        guard let low = bounds.map(\.lowerBound).min(), let high = bounds.map(\.upperBound).max() else {
            return String(repeating: " ", count: width)
        }
        let cells = Swift.min(width, high - low)
        return String(
            (0..<cells).map { cell -> Character in
                let cellRange = (low + (high - low) * cell / cells)..<(low + (high - low) * (cell + 1) / cells)
                if Self.touches(summary.failed, cellRange) { return "x" }
                if Self.touches(summary.inProgress, cellRange) { return "▒" }
                if Self.touches(summary.missing, cellRange) { return "░" }
                return "█"
            })
    }

    private static func touches(_ subset: PartitionSubset, _ range: Range<Int>) -> Bool {
        subset.slices.values.contains { !$0.clamped(to: range).isEmpty }
    }
}
