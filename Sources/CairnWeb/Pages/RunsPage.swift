import Cairn
import Foundation

/// `/runs`: every run, newest first, filtered by status, job, tag and date, a page at a time.
enum RunsPage {
    /// Runs per page.
    static let pageSize = 30

    static func render(_ query: FormFields, site: WebSite) async throws -> String {
        let now = site.now()
        let listing = try RunListing(
            statuses: query.all("status"), tag: query["tag"], job: query["job"], date: query["date"])
        let statuses = listing.filter.statuses
        let job = listing.job
        let (runs, hasMore) = try await listing.page(
            after: query["after"].map(RunID.init), limit: pageSize, storage: site.storage)
        let statusOptions = RunStatus.allCases.map { status in
            "<option value=\"\(status.rawValue)\"\(statuses.contains(status) ? " selected" : "")>\(status.rawValue)</option>"
        }.joined()
        let jobs = [Run.assetJobName] + site.definitions.jobs.map(\.name)
        let jobOptions = jobs.map { name in
            "<option value=\"\(HTML.escape(name))\"\(job == name ? " selected" : "")>\(HTML.escape(name))</option>"
        }.joined()
        var body = """
            <h1>Runs</h1><p class="subtitle">Newest first. A run's page shows its live event log and timeline.</p>
            <form class="toolbar" method="get" action="/runs">
            <select name="status"><option value="">any status</option>\(statusOptions)</select>
            <select name="job"><option value="">any job</option>\(jobOptions)</select>
            <input type="text" name="tag" placeholder="tag key=value" value="\(HTML.escape(query["tag"] ?? ""))">
            <input type="text" name="date" placeholder="YYYY-MM-DD" value="\(HTML.escape(query["date"] ?? ""))">
            <button type="submit">Filter</button><a class="button" href="/runs">Clear</a></form>
            <div class="card flush">
            """
        body += table(runs, now: now)
        if hasMore, let last = runs.last {
            let next = WebFormat.query(
                query.all("status").map { ("status", $0) } + [
                    ("job", job), ("tag", query["tag"]), ("date", query["date"]), ("after", last.id.rawValue),
                ])
            body +=
                "<div class=\"pagination\"><a class=\"button\" href=\"/runs?\(HTML.escape(next))\">Older runs →</a></div>"
        }
        body += "</div>"
        return PageLayout.render(
            "Runs", section: .runs, site: site, body: body,
            refreshSeconds: runs.contains { !$0.status.isTerminal } ? 5 : nil)
    }

    /// A table of runs: id, status, what it ran, tags, when, how long.
    static func table(_ runs: [Run], now: Date) -> String {
        guard !runs.isEmpty else { return "<p class=\"empty\">No runs yet.</p>" }
        var html = """
            <table><thead><tr><th>Run</th><th>Status</th><th>Target</th><th>Tags</th><th>Created</th>\
            <th>Duration</th></tr></thead><tbody>
            """
        for run in runs {
            let shownTags = run.tags.filter { !$0.key.hasPrefix("cairn/worker") }.sorted { $0.key < $1.key }.prefix(4)
            let duration =
                run.duration.map(WebFormat.duration)
                ?? run.startedAt.map { "running " + WebFormat.duration(now.timeIntervalSince($0)) } ?? "–"
            html += """
                <tr><td>\(WebFormat.runLink(run.id))</td><td>\(WebFormat.badge(run.status.rawValue))</td>\
                <td>\(target(of: run))</td>\
                <td>\(shownTags.map { "<span class=\"tag\">\(HTML.escape($0.key))=\(HTML.escape($0.value))</span>" }.joined())</td>\
                <td>\(WebFormat.time(run.createdAt, now: now))</td><td>\(HTML.escape(duration))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// What a run executes: its job, or its assets.
    static func target(of run: Run) -> String {
        if run.jobName != Run.assetJobName { return "job <b>\(HTML.escape(run.jobName))</b>" }
        let keys = run.assetKeys.prefix(3).map(WebFormat.assetLink).joined(separator: ", ")
        return keys + (run.assetKeys.count > 3 ? " <span class=\"muted\">+\(run.assetKeys.count - 3) more</span>" : "")
    }
}
