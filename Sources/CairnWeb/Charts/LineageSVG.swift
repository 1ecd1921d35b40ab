import Cairn
import Foundation

/// A `GraphLayout` drawn as a standalone SVG element: group boxes behind, edges with arrowheads,
/// each asset a rounded box coloured by its status and linked to its page. No script or style
/// inside, so it passes a strict Content-Security-Policy; every text is escaped.
enum LineageSVG {
    /// The smallest view of a drawing, so that a graph of a few assets shows them at their size.
    static let minimumView = (width: 1200.0, height: 640.0)

    /// The `<svg>` element (without an XML prolog) of class `lineage`.
    ///
    /// - Parameters:
    ///   - statuses: each asset's colour; `missing` when absent.
    ///   - subtitles: a second line under each asset's name (its group and kinds).
    ///   - focus: the asset drawn with a thick border and the class `focused`, if any.
    ///   - href: the address each asset links to.
    static func render(
        _ layout: GraphLayout, statuses: [AssetKey: LineageNodeStatus], subtitles: [AssetKey: String] = [:],
        focus: AssetKey? = nil, href: (AssetKey) -> String
    ) -> String {
        // A small graph is not blown up: the view is at least `minimumView` wide and high, centred.
        let viewWidth = max(layout.width, minimumView.width)
        let viewHeight = max(layout.height, minimumView.height)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" class="lineage" viewBox="\(number((layout.width - viewWidth) / 2)) \
            \(number((layout.height - viewHeight) / 2)) \(number(viewWidth)) \(number(viewHeight))" \
            width="\(number(viewWidth))" height="\(number(viewHeight))" role="img" \
            aria-label="Asset lineage"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" \
            markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#8c959f"/>\
            </marker></defs>
            """
        for group in layout.groups {
            svg += """
                <g class="group"><rect x="\(number(group.x))" y="\(number(group.y))" width="\(number(group.width))" \
                height="\(number(group.height))" rx="12" fill="#f6f8fa" stroke="#d0d7de" stroke-dasharray="5 4"/>\
                <text x="\(number(group.x + 12))" y="\(number(group.y + 17))" font-size="12" font-weight="600" \
                fill="#656d76">\(HTML.escape(group.name))</text></g>
                """
        }
        for edge in layout.edges {
            svg +=
                "<path class=\"edge\" d=\"\(path(edge.points))\" fill=\"none\" stroke=\"#8c959f\" stroke-width=\"1.4\" "
                + "marker-end=\"url(#arrow)\"><title>\(HTML.escape(edge.from.description)) → \(HTML.escape(edge.to.description))</title></path>"
        }
        for node in layout.nodes {
            let status = statuses[node.key] ?? .missing
            let name = node.key.description
            let shown = name.count > 40 ? String(name.prefix(39)) + "…" : name
            let focused = node.key == focus
            svg += """
                <a href="\(HTML.escape(href(node.key)))" class="node status-\(status.rawValue)\(focused ? " focused" : "")" \
                data-key="\(HTML.escape(name))">\
                <title>\(HTML.escape(name)): \(status.rawValue)</title>\
                <rect x="\(number(node.x))" y="\(number(node.y))" width="\(number(node.width))" \
                height="\(number(node.height))" rx="8" fill="#ffffff" stroke="\(status.colour)" stroke-width="\(focused ? 3.5 : 1.6)"/>\
                <rect x="\(number(node.x))" y="\(number(node.y))" width="6" height="\(number(node.height))" rx="3" \
                fill="\(status.colour)"/>\
                <text x="\(number(node.x + 16))" y="\(number(node.y + 23))" font-size="13" font-weight="600" \
                fill="#1f2328">\(HTML.escape(shown))</text>\
                <text x="\(number(node.x + 16))" y="\(number(node.y + 41))" font-size="11" fill="#656d76">\
                \(HTML.escape(subtitles[node.key] ?? status.rawValue))</text>
                """
            if status == .stale || status == .failed {
                svg += """
                    <circle cx="\(number(node.x + node.width - 12))" cy="\(number(node.y + 12))" r="7" \
                    fill="\(status.colour)"/><text x="\(number(node.x + node.width - 12))" y="\(number(node.y + 16))" \
                    font-size="11" font-weight="700" fill="#ffffff" text-anchor="middle">!</text>
                    """
            }
            svg += "</a>"
        }
        return svg + "</svg>"
    }

    /// The polyline through `points` as smooth cubic curves, horizontal at each point.
    static func path(_ points: [GraphLayout.Point]) -> String {
        guard let first = points.first else { return "" }
        var d = "M\(number(first.x)),\(number(first.y))"
        for (a, b) in zip(points, points.dropFirst()) {
            if a.y == b.y {
                d += " L\(number(b.x)),\(number(b.y))"
            } else {
                let middle = (a.x + b.x) / 2
                d += " C\(number(middle)),\(number(a.y)) \(number(middle)),\(number(b.y)) \(number(b.x)),\(number(b.y))"
            }
        }
        return d
    }

    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
