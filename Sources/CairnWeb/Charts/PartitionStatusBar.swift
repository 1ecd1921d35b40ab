import Cairn

/// All partitions of an asset as one SVG bar: each pixel column shows the worst status among the
/// partitions it covers (failed, then in progress, then missing, then materialized), so 147,000
/// partitions draw as a few hundred rectangles.
enum PartitionStatusBar {
    /// The bar's width in columns.
    static let columns = 800

    /// The status of a run of columns.
    enum Status: Int, Comparable {
        case materialized, missing, inProgress, failed

        static func < (lhs: Status, rhs: Status) -> Bool { lhs.rawValue < rhs.rawValue }

        var colour: String {
            switch self {
            case .materialized: "#2da44e"
            case .missing: "#d0d7de"
            case .inProgress: "#0969da"
            case .failed: "#cf222e"
            }
        }

        var name: String {
            switch self {
            case .materialized: "materialized"
            case .missing: "missing"
            case .inProgress: "in progress"
            case .failed: "failed"
            }
        }
    }

    /// The status of each column, from the summary's subsets over the partitions in order: each
    /// slice of a multi-partitioned asset takes its share of the columns. A column starts
    /// materialized and takes the worst status of the partitions it covers.
    static func columnStatuses(_ summary: PartitionStatusSummary, slices: [String], sliceSize: Int) -> [Status] {
        let total = slices.count * sliceSize
        guard total > 0 else { return [] }
        let count = min(columns, total)
        var result = [Status](repeating: .materialized, count: count)
        func column(_ slice: Int, _ index: Int) -> Int { (slice * sliceSize + index) * count / total }
        for (sliceIndex, slice) in slices.enumerated() {
            func mark(_ subset: PartitionSubset, _ status: Status) {
                for range in subset.slices[slice]?.ranges ?? [] where !range.isEmpty {
                    for position in column(sliceIndex, range.lowerBound)...column(sliceIndex, range.upperBound - 1) {
                        result[position] = max(result[position], status)
                    }
                }
            }
            mark(summary.missing, .missing)
            mark(summary.inProgress, .inProgress)
            mark(summary.failed, .failed)
        }
        return result
    }

    /// The bar as SVG: runs of equal columns drawn as one rectangle each.
    static func svg(_ statuses: [Status]) -> String {
        guard !statuses.isEmpty else { return "" }
        let unit = Double(columns) / Double(statuses.count)
        var svg = """
            <svg class="chart partitions" viewBox="0 0 \(columns) 28" preserveAspectRatio="none" role="img" \
            aria-label="Partition status">
            """
        var start = 0
        while start < statuses.count {
            var end = start + 1
            while end < statuses.count && statuses[end] == statuses[start] { end += 1 }
            svg += """
                <rect x="\(String(format: "%.2f", Double(start) * unit))" y="0" \
                width="\(String(format: "%.2f", Double(end - start) * unit))" height="28" fill="\(statuses[start].colour)">\
                <title>\(statuses[start].name)</title></rect>
                """
            start = end
        }
        return svg + "</svg>"
    }
}
