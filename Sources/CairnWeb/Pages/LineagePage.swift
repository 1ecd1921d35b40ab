import Cairn
import Foundation
import Hummingbird

/// `/lineage`: the asset graph laid out on the server and drawn as SVG, with status colours,
/// stale markers and group boxes; a selection filter shows a subgraph, clicking an asset shows
/// its neighbourhood, and graphs over `nodeLimit` assets open on a neighbourhood.
enum LineagePage {
    /// The most assets drawn at once.
    static let nodeLimit = 300

    static func render(_ query: FormFields, site: WebSite) async throws -> (String, HTTPResponse.Status) {
        let graph = site.graph
        let selection = query.raw("select").flatMap { $0.isEmpty ? nil : $0 } ?? "*"
        var problem: String?
        var selected = Set(graph.nodes.indices)
        do {
            selected = try AssetSelection.parse(selection).resolve(in: graph)
        } catch {
            problem = error.description
        }
        let focusKey = query["focus"].map { AssetKey($0) }
        let focus = focusKey.flatMap(graph.index(of:)).flatMap { selected.contains($0) ? $0 : nil }
        let center = focus ?? busiest(selected, in: graph)
        let (drawn, truncated) = graph.drawableSubgraph(of: selected, focus: center, limit: nodeLimit)
        let health = try await AssetHealth.load(drawn, site: site)
        let layout = GraphLayout(graph: graph, including: drawn)
        var statuses: [AssetKey: LineageNodeStatus] = [:]
        var subtitles: [AssetKey: String] = [:]
        for index in drawn {
            let spec = graph.nodes[index].spec
            statuses[spec.key] = lineageStatus(health.display(spec.key))
            subtitles[spec.key] = ([spec.group] + spec.kinds).joined(separator: " · ")
        }
        let svg = LineageSVG.render(layout, statuses: statuses, subtitles: subtitles, focus: focusKey) { key in
            "/lineage?" + WebFormat.query([("select", "+key:\(key)+"), ("focus", key.description)])
        }
        var body = """
            <h1>Lineage</h1>
            <form class="toolbar" method="get" action="/lineage">
            <input class="selection" type="search" name="select" value="\(HTML.escape(selection))" \
            placeholder="* or +key:hottest_dates+ or group:weather">
            <button type="submit">Show</button><a class="button" href="/lineage">All assets</a>
            <span class="spacer"></span><span class="muted small">\(drawn.count) of \(graph.nodes.count) assets · \
            scroll to zoom, drag to pan, double-click to reset · click an asset for its neighbourhood</span></form>
            """
        if let problem { body += "<div class=\"flash error\">\(HTML.escape(problem))</div>" }
        if truncated {
            body += """
                <div class="flash notice">The selection has \(selected.count) assets, more than the \(nodeLimit) drawn at \
                once: showing the neighbourhood of \(center.map { WebFormat.assetLink(graph.nodes[$0].key) } ?? "–"). \
                Narrow the selection or click an asset.</div>
                """
        }
        if let focusKey, let index = graph.index(of: focusKey) {
            let spec = graph.nodes[index].spec
            body += """
                <div class="card toolbar"><b>\(WebFormat.assetLink(spec.key))</b>\
                \(WebFormat.badge(health.display(spec.key).rawValue))\
                <span class="muted">\(HTML.escape(spec.description.map { String($0.prefix(120)) } ?? ""))</span>\
                <span class="spacer"></span><a class="button" href="\(WebFormat.assetPath(spec.key))">Open asset</a>\
                \(site.actionButton("Materialize", action: "/assets/materialize", fields: ["select": "key:\(spec.key)"], style: "primary"))</div>
                """
        }
        body += "<div class=\"graph-viewport\">\(svg)</div>"
        body += """
            <div class="legend">\(AssetHealth.Display.allCases.map { "<span><i class=\"\(lineageStatus($0).rawValue)\"></i>\($0.rawValue)</span>" }.joined())</div>
            """
        let html = PageLayout.render("Lineage", section: .lineage, site: site, body: body, wide: true)
        return (html, problem == nil ? .ok : .badRequest)
    }

    /// The selected asset with the most dependencies within the selection: the centre of a
    /// neighbourhood when no asset is picked.
    static func busiest(_ selected: Set<Int>, in graph: AssetGraph) -> Int? {
        selected.max { a, b in
            (graph.parents[a].count + graph.children[a].count, b) < (
                graph.parents[b].count + graph.children[b].count, a
            )
        }
    }

    private static func lineageStatus(_ display: AssetHealth.Display) -> LineageNodeStatus {
        switch display {
        case .failed: .failed
        case .inProgress: .inProgress
        case .stale: .stale
        case .missing: .missing
        case .fresh: .fresh
        case .source: .source
        }
    }
}
