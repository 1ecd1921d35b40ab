import Cairn
import Foundation

/// `/backfills` and `/backfills/<id>`: backfills with their progress by run status, launch,
/// cancel.
enum BackfillsPage {
    static func render(_ query: FormFields, site: WebSite) async throws -> String {
        let now = site.now()
        let backfills = try await site.storage.backfills(limit: 50, after: query["after"].map(BackfillID.init))
        var body = "<h1>Backfills</h1><p class=\"subtitle\">Runs over ranges of partitions, launched by the daemon.</p>"
        let partitioned = site.graph.nodes.filter { $0.spec.partitions != nil && !$0.isSource }
        if site.allowsChanges && !partitioned.isEmpty {
            body += """
                <form class="card toolbar" method="post" action="/backfills">\(site.csrfField)\
                <input class="selection" type="text" name="select" placeholder="selection of partitioned assets" \
                value="\(HTML.escape(partitioned.count == 1 ? "key:\(partitioned[0].key)" : ""))" required>\
                <input type="text" name="partitions" value="missing" title="all, missing, failed, a key, FIRST...LAST, or keys separated by commas">\
                <button class="button primary" type="submit">Launch backfill</button></form>
                """
        }
        body += "<div class=\"card flush\">"
        if backfills.isEmpty {
            body += "<p class=\"empty\">No backfills yet.</p>"
        } else {
            body += """
                <table><thead><tr><th>Backfill</th><th>Status</th><th>Assets</th><th>Partitions</th><th>Runs</th>\
                <th>Created</th></tr></thead><tbody>
                """
            for backfill in backfills {
                body += """
                    <tr><td><a class="mono" href="/backfills/\(HTML.escape(backfill.id.rawValue))">\(HTML.escape(backfill.id.rawValue))</a></td>\
                    <td>\(WebFormat.badge(backfill.status.rawValue))</td>\
                    <td>\(backfill.assetKeys.prefix(3).map(WebFormat.assetLink).joined(separator: ", "))</td>\
                    <td>\(backfill.partitionCount) <span class="muted mono">\(HTML.escape(backfill.partitionSelection))</span></td>\
                    <td>\(backfill.runCount)</td><td>\(WebFormat.time(backfill.createdAt, now: now))</td></tr>
                    """
            }
            body += "</tbody></table>"
        }
        body += "</div>"
        return PageLayout.render("Backfills", section: .backfills, site: site, body: body)
    }

    static func renderBackfill(_ id: BackfillID, site: WebSite) async throws -> String {
        guard let backfill = try await site.storage.backfill(id) else {
            throw WebError.notFound("there is no backfill with id '\(id)'; the backfills page lists them")
        }
        let now = site.now()
        let runs = Array(try await site.storage.runs(ofBackfill: id).reversed())
        let counts = Dictionary(grouping: runs, by: \.status).mapValues(\.count)
        var body = """
            <h1>Backfill <span class="mono">\(HTML.escape(id.rawValue))</span> \(WebFormat.badge(backfill.status.rawValue))</h1>
            <p class="subtitle">\(backfill.partitionCount) partition(s) (\(HTML.escape(backfill.partitionSelection))) of \
            \(backfill.assetKeys.map(WebFormat.assetLink).joined(separator: ", ")) in \(backfill.runCount) run(s)</p>
            """
        for note in backfill.notes { body += "<div class=\"flash warning\">\(HTML.escape(note))</div>" }
        if !backfill.status.isTerminal {
            body +=
                "<div class=\"actions\">"
                + site.actionButton("Cancel backfill", action: "/backfills/\(id.rawValue)/cancel", style: "danger")
                + "</div>"
        } else if backfill.status != .completedSuccess {
            body +=
                "<div class=\"actions\">"
                + site.actionButton("Retry: backfill what did not succeed", action: "/backfills/\(id.rawValue)/retry")
                + "</div>"
        }
        if let error = backfill.error { body += "<div class=\"flash error\">\(HTML.escape(error))</div>" }
        body += "<div class=\"stats\">"
        for status in [RunStatus.success, .failure, .started, .queued, .canceled] {
            body +=
                "<div class=\"stat\"><div class=\"value\">\(counts[status] ?? 0)</div>"
                + "<div class=\"label\">\(status.rawValue.lowercased())</div></div>"
        }
        body += "</div>" + progressBar(runs, total: max(backfill.runCount, runs.count))
        body += "<div class=\"card flush\"><h2>Runs</h2>" + RunsPage.table(Array(runs.prefix(200)), now: now) + "</div>"
        return PageLayout.render(
            "Backfill \(id.rawValue)", section: .backfills, site: site, body: body,
            refreshSeconds: backfill.status.isTerminal ? nil : 5)
    }

    /// The backfill's runs as one bar, by status.
    private static func progressBar(_ runs: [Run], total: Int) -> String {
        guard total > 0 else { return "" }
        let order: [(RunStatus, String)] = [
            (.success, "#2da44e"), (.failure, "#cf222e"), (.started, "#0969da"), (.starting, "#0969da"),
            (.canceled, "#8c959f"), (.queued, "#d0d7de"),
        ]
        var x = 0.0
        var svg =
            "<svg class=\"chart\" viewBox=\"0 0 800 20\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"Progress\">"
        for (status, colour) in order {
            let count = runs.filter { $0.status == status }.count
            guard count > 0 else { continue }
            let width = 800 * Double(count) / Double(total)
            svg +=
                "<rect x=\"\(String(format: "%.1f", x))\" y=\"0\" width=\"\(String(format: "%.1f", width))\" height=\"20\" "
                + "fill=\"\(colour)\"><title>\(count) \(status.rawValue)</title></rect>"
            x += width
        }
        return "<div class=\"card\">" + svg + "</svg></div>"
    }
}
