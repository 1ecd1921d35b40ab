import Cairn
import Foundation

/// A run's steps as a Gantt chart in SVG: one bar per step from its start to its end, coloured
/// by how it ended; a step still running reaches to now.
enum RunTimeline {
    /// One step's bar.
    struct Bar: Equatable {
        let step: String
        let start: Date
        let end: Date
        let outcome: String
    }

    /// The bars of the steps in `events`, in the order they started.
    static func bars(of events: [EventRecord], now: Date) -> [Bar] {
        var starts: [String: Date] = [:]
        var ends: [String: (Date, String)] = [:]
        var order: [String] = []
        for record in events {
            guard let step = record.event.stepKey else { continue }
            switch record.event.type {
            case .stepStart:
                if starts[step] == nil { order.append(step) }
                starts[step] = starts[step] ?? record.event.timestamp
                ends[step] = nil
            case .stepSuccess: ends[step] = (record.event.timestamp, "success")
            case .stepFailure: ends[step] = (record.event.timestamp, "failure")
            case .stepSkipped:
                if starts[step] == nil {
                    order.append(step)
                    starts[step] = record.event.timestamp
                }
                ends[step] = (record.event.timestamp, "skipped")
            case .stepUpForRetry: ends[step] = (record.event.timestamp, "retry")
            default: continue
            }
        }
        return order.map { step in
            let end = ends[step]
            return Bar(step: step, start: starts[step]!, end: end?.0 ?? now, outcome: end?.1 ?? "running")
        }
    }

    /// The chart, or an empty string when no step started.
    static func svg(_ bars: [Bar]) -> String {
        guard let first = bars.map(\.start).min(), let last = bars.map(\.end).max() else { return "" }
        let labelWidth = 200.0
        let chartWidth = 760.0
        let rowHeight = 26.0
        let span = max(last.timeIntervalSince(first), 0.001)
        let height = Double(bars.count) * rowHeight + 30
        var svg = """
            <svg class="chart timeline" viewBox="0 0 \(Int(labelWidth + chartWidth + 20)) \(Int(height))" \
            role="img" aria-label="Step timeline">
            """
        for tick in 0...4 {
            let x = labelWidth + chartWidth * Double(tick) / 4
            let seconds = span * Double(tick) / 4
            svg += """
                <line class="axis" x1="\(fmt(x))" y1="0" x2="\(fmt(x))" y2="\(fmt(height - 18))" stroke="#e5e7eb"/>\
                <text x="\(fmt(x))" y="\(fmt(height - 4))" font-size="11" fill="#656d76" text-anchor="middle">\
                +\(HTML.escape(WebFormat.duration(seconds)))</text>
                """
        }
        for (row, bar) in bars.enumerated() {
            let y = Double(row) * rowHeight + 4
            let x = labelWidth + chartWidth * bar.start.timeIntervalSince(first) / span
            let width = max(3, chartWidth * bar.end.timeIntervalSince(bar.start) / span)
            let label = bar.step.count > 28 ? String(bar.step.prefix(27)) + "…" : bar.step
            svg += """
                <text x="\(fmt(labelWidth - 8))" y="\(fmt(y + 15))" font-size="12" fill="#1f2328" text-anchor="end">\
                \(HTML.escape(label))</text>\
                <rect class="bar \(bar.outcome)" x="\(fmt(x))" y="\(fmt(y))" width="\(fmt(width))" height="\(fmt(rowHeight - 8))" \
                rx="4" fill="\(colour(bar.outcome))"><title>\(HTML.escape(bar.step)): \(bar.outcome), \
                \(HTML.escape(WebFormat.duration(bar.end.timeIntervalSince(bar.start))))</title></rect>
                """
        }
        return svg + "</svg>"
    }

    private static func colour(_ outcome: String) -> String {
        switch outcome {
        case "success": "#2da44e"
        case "failure": "#cf222e"
        case "skipped": "#afb8c1"
        case "retry": "#bf8700"
        default: "#0969da"
        }
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }
}
