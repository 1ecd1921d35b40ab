import Cairn
import Foundation
import Hummingbird

/// `/assets`: the catalog, filtered with the selection syntax, by group, kind, tag, owner, status
/// and text, a page at a time; fast with 10,000 assets because only the shown page's health is read
/// unless the status is filtered.
enum AssetCatalogPage {
    /// Assets per page.
    static let pageSize = 50

    static func render(_ query: FormFields, site: WebSite) async throws -> (String, HTTPResponse.Status) {
        let graph = site.graph
        var problem: String?
        var indices = Array(graph.nodes.indices)
        if let selection = query["select"] {
            do {
                indices = try AssetSelection.parse(selection).resolve(in: graph).sorted()
            } catch {
                problem = error.description
                indices = []
            }
        }
        let text = query["q"]?.lowercased()
        let tag = query["tag"]?.split(separator: "=", maxSplits: 1).map(String.init)
        indices = indices.filter { index in
            let spec = graph.nodes[index].spec
            return (query["group"].map { spec.group == $0 } ?? true)
                && (query["kind"].map { spec.kinds.contains($0) } ?? true)
                && (query["owner"].map { spec.owners.contains($0) } ?? true)
                && (tag.map { parts in spec.tags[parts[0]].map { parts.count == 1 || $0 == parts[1] } ?? false } ?? true)
                && (text.map { spec.key.description.lowercased().contains($0) } ?? true)
        }
        let status = try query["status"].map { text in
            guard let display = AssetHealth.Display(rawValue: text) else {
                throw WebError.badRequest(
                    "unknown status '\(text)'; use one of \(AssetHealth.Display.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
            return display
        }
        // Filtering by status needs the health of every candidate; otherwise only the page's is read.
        var filteredHealth: AssetHealth?
        if let status {
            let all = try await AssetHealth.load(Set(indices), site: site)
            indices = indices.filter { all.display(graph.nodes[$0].key) == status }
            filteredHealth = all
        }
        let pageCount = max(1, (indices.count + pageSize - 1) / pageSize)
        let page = min(max(1, query["page"].flatMap(Int.init) ?? 1), pageCount)
        let shown = Array(indices.dropFirst((page - 1) * pageSize).prefix(pageSize))
        let health: AssetHealth
        if let filteredHealth {
            health = filteredHealth
        } else {
            health = try await AssetHealth.load(Set(shown), site: site)
        }
        var body = """
            <h1>Assets</h1><p class="subtitle">\(indices.count) of \(graph.nodes.count) assets. Select with \
            Dagster's syntax: <code>key:daily*</code>, <code>+key:hottest_dates</code>, <code>group:weather</code>, \
            <code>kind:csv and owner:team:data</code>.</p>
            \(problem.map { "<div class=\"flash error\">\(HTML.escape($0))</div>" } ?? "")
            \(filters(query, site: site))
            <div class="card flush">
            """
        body += table(shown, health: health, site: site)
        body += pagination(query, page: page, pageCount: pageCount)
        body += "</div>"
        if site.allowsChanges && !indices.isEmpty && problem == nil, let selection = query["select"] {
            body += """
                <div class="actions"><form class="inline" method="post" action="/assets/materialize">\(site.csrfField)\
                <input type="hidden" name="select" value="\(HTML.escape(selection))">\
                <button class="button primary" type="submit">Materialize selection</button></form>\
                <a class="button" href="/lineage?select=\(WebFormat.queryValue(selection))">View lineage</a></div>
                """
        }
        let html = PageLayout.render("Assets", section: .assets, site: site, body: body)
        return (html, problem == nil ? .ok : .badRequest)
    }

    private static func filters(_ query: FormFields, site: WebSite) -> String {
        let specs = site.graph.nodes.map(\.spec)
        func select(_ name: String, _ values: Set<String>, all: String) -> String {
            "<select name=\"\(name)\"><option value=\"\">\(all)</option>"
                + values.sorted().map { value in
                    "<option value=\"\(HTML.escape(value))\"\(query[name] == value ? " selected" : "")>\(HTML.escape(value))</option>"
                }.joined() + "</select>"
        }
        return """
            <form class="toolbar" method="get" action="/assets">
            <input class="selection" type="search" name="select" placeholder="selection, e.g. +key:hottest_dates" \
            value="\(HTML.escape(query.raw("select") ?? ""))">
            <input type="search" name="q" placeholder="name contains" value="\(HTML.escape(query["q"] ?? ""))">
            \(select("group", Set(specs.map(\.group)), all: "all groups"))
            \(select("kind", Set(specs.flatMap(\.kinds)), all: "all kinds"))
            \(select("owner", Set(specs.flatMap(\.owners)), all: "all owners"))
            \(select("status", Set(AssetHealth.Display.allCases.map(\.rawValue)), all: "any status"))
            <input type="text" name="tag" placeholder="tag key=value" value="\(HTML.escape(query["tag"] ?? ""))">
            <button type="submit">Filter</button><a class="button" href="/assets">Clear</a></form>
            """
    }

    private static func table(_ shown: [Int], health: AssetHealth, site: WebSite) -> String {
        guard !shown.isEmpty else { return "<p class=\"empty\">No asset matches.</p>" }
        let now = site.now()
        var html = """
            <table><thead><tr><th>Asset</th><th>Group</th><th>Kinds</th><th>Status</th>\
            <th>Last materialized</th></tr></thead><tbody>
            """
        for index in shown {
            let spec = site.graph.nodes[index].spec
            let display = health.display(spec.key)
            let reason =
                display == .stale
                ? health.statuses[spec.key]?.reasons.first.map {
                    "<div class=\"small muted\">\(HTML.escape($0.description))</div>"
                }
                    ?? "" : ""
            let latest = health.materializations[spec.key].map {
                WebFormat.time($0.event.timestamp, now: now) + " · " + WebFormat.runLink($0.event.runID)
            }
            html += """
                <tr><td>\(WebFormat.assetLink(spec.key))\
                \(spec.description.map { "<div class=\"small muted\">\(HTML.escape(String($0.prefix(140))))</div>" } ?? "")</td>\
                <td>\(HTML.escape(spec.group))</td><td>\(spec.kinds.map { "<span class=\"kind\">\(HTML.escape($0))</span>" }.joined())</td>\
                <td>\(WebFormat.badge(display.rawValue))\(reason)</td><td>\(latest ?? "<span class=\"muted\">never</span>")</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    private static func pagination(_ query: FormFields, page: Int, pageCount: Int) -> String {
        guard pageCount > 1 else { return "" }
        func link(_ target: Int, _ label: String) -> String {
            let items: [(String, String?)] = ["select", "q", "group", "kind", "owner", "status", "tag"].map {
                ($0, query[$0])
            }
            return
                "<a class=\"button\" href=\"/assets?\(HTML.escape(WebFormat.query(items + [("page", String(target))])))\">\(label)</a>"
        }
        return "<div class=\"pagination\">" + (page > 1 ? link(page - 1, "← Previous") : "")
            + "<span class=\"muted\">Page \(page) of \(pageCount)</span>"
            + (page < pageCount ? link(page + 1, "Next →") : "") + "</div>"
    }
}
