import Foundation

/// A numeric metadata key as an SVG line chart: one point per materialization, with the value
/// axis from the smallest to the largest value. Points are placed by time, the first and last
/// times below; when every point has a partition, by partition instead, one step each, so a
/// backfill's values show side by side however fast it ran.
enum MetadataPlot {
    /// One plotted value.
    struct Point: Equatable {
        let time: Date
        let partition: String?
        let value: Double
    }

    /// The chart of `points`, oldest first; empty when there are none.
    static func svg(_ points: [Point], label: String) -> String {
        let byPartition = points.allSatisfy { $0.partition != nil }
        let points = byPartition ? points.sorted { ($0.partition!, $0.time) < ($1.partition!, $1.time) } : points
        guard let first = points.first, let last = points.last else { return "" }
        let width = 420.0
        let height = 160.0
        let left = 56.0
        let right = 12.0
        let top = 12.0
        let bottom = 26.0
        let low = points.map(\.value).min()!
        let high = points.map(\.value).max()!
        let range = high - low == 0 ? max(abs(high), 1) : high - low
        let base = high - low == 0 ? low - range / 2 : low
        let span = last.time.timeIntervalSince(first.time)
        let fractions = points.indices.map { index -> Double in
            guard points.count > 1 else { return 0.5 }
            if byPartition || span <= 0 { return Double(index) / Double(points.count - 1) }
            return points[index].time.timeIntervalSince(first.time) / span
        }
        func x(_ index: Int) -> Double { left + (width - left - right) * fractions[index] }
        func y(_ value: Double) -> Double { top + (height - top - bottom) * (1 - (value - base) / range) }
        let path = points.indices.map { "\(fmt(x($0))),\(fmt(y(points[$0].value)))" }.joined(separator: " ")
        func caption(_ point: Point) -> String {
            byPartition ? point.partition! : WebFormat.timestamp(point.time)
        }
        var svg = """
            <svg class="chart plot" viewBox="0 0 \(Int(width)) \(Int(height))" role="img" \
            aria-label="\(HTML.escape(label)) over time">
            """
        for fraction in [0.0, 0.5, 1.0] {
            let value = base + range * fraction
            svg += """
                <line class="axis" x1="\(fmt(left))" y1="\(fmt(y(value)))" x2="\(fmt(width - right))" y2="\(fmt(y(value)))" stroke="#eaeef2"/>\
                <text x="\(fmt(left - 6))" y="\(fmt(y(value) + 4))" font-size="10.5" fill="#656d76" text-anchor="end">\
                \(HTML.escape(compact(value)))</text>
                """
        }
        svg += """
            <text x="\(fmt(left))" y="\(fmt(height - 6))" font-size="10.5" fill="#656d76">\
            \(HTML.escape(caption(first)))</text>\
            <text x="\(fmt(width - right))" y="\(fmt(height - 6))" font-size="10.5" fill="#656d76" text-anchor="end">\
            \(HTML.escape(caption(last)))</text>\
            <polyline points="\(path)" fill="none" stroke="#4f46e5" stroke-width="2" stroke-linejoin="round"/>
            """
        for index in points.indices.suffix(200) {
            let point = points[index]
            svg += """
                <circle cx="\(fmt(x(index)))" cy="\(fmt(y(point.value)))" r="3" fill="#4f46e5">\
                <title>\(HTML.escape(compact(point.value))) at \(HTML.escape(caption(point)))</title></circle>
                """
        }
        return svg + "</svg>"
    }

    /// `1.2k`, `3.4M`, `0.25`: a value short enough for an axis.
    static func compact(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1_000_000 { return String(format: "%.1fM", value / 1_000_000) }
        if magnitude >= 10_000 { return String(format: "%.1fk", value / 1000) }
        if value == value.rounded() { return String(Int(value)) }
        return String(format: "%.2f", value)
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
