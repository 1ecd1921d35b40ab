import Cairn
import Foundation

/// `/assets/<key>`: everything about one asset: its definition, lineage, latest metadata, plots of
/// its numeric metadata over time, history, checks, partitions and why it is stale, with buttons
/// to materialize it and backfill its partitions.
enum AssetPage {
    /// How many materializations the plots and the history read.
    static let historyLimit = 200

    /// The page of the asset at node `index` of the site's graph.
    static func render(_ index: Int, query: FormFields, site: WebSite) async throws -> String {
        let graph = site.graph
        let node = graph.nodes[index]
        let key = node.key
        let spec = node.spec
        let now = site.now()
        let storage = site.storage
        async let history = storage.materializations(of: key, before: nil, limit: historyLimit)
        async let observation = storage.latestObservations(of: [key])
        async let checks = checkHistory(of: spec, storage: storage)
        let health = try await AssetHealth.load([index], site: site)
        let materializations = try await history
        let display = health.display(key)

        var body = """
            <h1>\(HTML.escape(key.description)) \(WebFormat.badge(display.rawValue))</h1>
            <p class="subtitle">\(node.isSource ? "Source asset" : "Asset") in group \
            <a href="/assets?group=\(WebFormat.queryValue(spec.group))">\(HTML.escape(spec.group))</a> · \
            <a href="/lineage?select=\(WebFormat.queryValue("+key:\(key)+"))">lineage</a></p>
            """
        if !node.isSource { body += actions(key, spec: spec, site: site) }
        body += "<div class=\"grid\"><div class=\"card\"><h2>Definition</h2>"
        if let description = spec.description {
            body += "<div class=\"markdown\">\(Markdown.html(description))</div>"
        }
        body += "<dl class=\"facts\">"
        body += fact("Kinds", spec.kinds.map { "<span class=\"kind\">\(HTML.escape($0))</span>" }.joined())
        body += fact("Owners", spec.owners.map { "<span class=\"tag\">\(HTML.escape($0))</span>" }.joined())
        body += fact(
            "Tags",
            spec.tags.sorted { $0.key < $1.key }.map {
                "<span class=\"tag\">\(HTML.escape($0.key))=\(HTML.escape($0.value))</span>"
            }
            .joined())
        body += fact("Code version", spec.codeVersion.map { "<code>\(HTML.escape($0))</code>" } ?? "")
        body += fact("Partitions", spec.partitions.map { HTML.escape(WebFormat.partitions($0)) } ?? "")
        body += fact(
            "Automation",
            spec.automationCondition.map { "<a href=\"/automation\"><code>\(HTML.escape($0.label))</code></a>" } ?? "")
        body += fact(
            "Upstream", graph.parents[index].map { WebFormat.assetLink(graph.nodes[$0].key) }.joined(separator: ", "))
        body += fact(
            "Downstream", graph.children[index].map { WebFormat.assetLink(graph.nodes[$0].key) }.joined(separator: ", ")
        )
        body += "</dl></div>"
        body += statusCard(key, health: health, materializations: materializations, now: now)
        body += "</div>"
        body += plots(materializations)
        if let latest = materializations.first, !latest.event.metadata.isEmpty {
            body +=
                "<div class=\"card\"><h2>Latest materialization's metadata</h2>"
                + MetadataTable.html(latest.event.metadata) + "</div>"
        }
        if spec.partitions != nil {
            body += try await partitionsCard(key, site: site)
        }
        body += checksCard(spec, history: try await checks, now: now)
        body += historyCard(
            materializations.prefix(25), observations: (try await observation)[key].map { [$0] } ?? [], now: now)
        return PageLayout.render(key.description, section: .assets, site: site, body: body)
    }

    private static func fact(_ label: String, _ html: String) -> String {
        "<dt>\(label)</dt><dd>\(html.isEmpty ? "<span class=\"muted\">–</span>" : html)</dd>"
    }

    private static func actions(_ key: AssetKey, spec: AssetSpec, site: WebSite) -> String {
        guard site.allowsChanges else { return "" }
        let selection = "key:\(key)"
        var html = "<div class=\"actions\">"
        if spec.partitions == nil {
            html += site.actionButton(
                "Materialize", action: "/assets/materialize", fields: ["select": selection], style: "primary")
            html += site.actionButton(
                "Materialize stale and missing", action: "/assets/materialize",
                fields: ["select": "+\(selection)", "stale_only": "1"])
        } else {
            html += """
                <form class="inline" method="post" action="/assets/materialize">\(site.csrfField)\
                <input type="hidden" name="select" value="\(HTML.escape(selection))">\
                <input type="text" name="partition" placeholder="partition key" required>\
                <button class="button primary" type="submit">Materialize partition</button></form>\
                <form class="inline" method="post" action="/backfills">\(site.csrfField)\
                <input type="hidden" name="select" value="\(HTML.escape(selection))">\
                <select name="partitions"><option value="missing">missing partitions</option>\
                <option value="failed">failed partitions</option><option value="all">all partitions</option></select>\
                <input type="text" name="range" placeholder="or FIRST...LAST">\
                <button class="button" type="submit">Launch backfill</button></form>
                """
        }
        html +=
            "<a class=\"button\" href=\"/launchpad?select=\(WebFormat.queryValue(selection))\">Open in launchpad</a>"
        return html + "</div>"
    }

    private static func statusCard(
        _ key: AssetKey, health: AssetHealth, materializations: [EventRecord], now: Date
    ) -> String {
        var html = "<div class=\"card\"><h2>Status</h2><dl class=\"facts\">"
        if let latest = materializations.first {
            html += fact(
                "Materialized",
                WebFormat.time(latest.event.timestamp, now: now) + " by run " + WebFormat.runLink(latest.event.runID))
            html += fact(
                "Data version",
                latest.event.dataVersion.map { "<code>\(HTML.escape(String($0.prefix(16))))</code>" } ?? "")
        } else {
            html += fact("Materialized", "never")
        }
        if let failure = health.failures[key] {
            html += fact(
                "Latest attempt",
                "\(WebFormat.badge("FAILURE")) \(WebFormat.time(failure.event.timestamp, now: now)) "
                    + WebFormat.runLink(failure.event.runID)
                    + "<div class=\"small\">\(HTML.escape(failure.event.message))</div>")
        }
        html += "</dl>"
        if let reasons = health.statuses[key]?.reasons, !reasons.isEmpty {
            html +=
                "<h2>Why it is stale</h2><ul>" + reasons.map { "<li>\(HTML.escape($0.description))</li>" }.joined()
                + "</ul>"
        }
        return html + "</div>"
    }

    /// A line chart of every numeric metadata key over the materializations, oldest first.
    private static func plots(_ materializations: [EventRecord]) -> String {
        var series: [String: [MetadataPlot.Point]] = [:]
        var order: [String] = []
        for record in materializations.reversed() {
            for (label, value) in record.event.metadata {
                guard let number = value.numericValue else { continue }
                if series[label] == nil { order.append(label) }
                series[label, default: []].append(
                    .init(time: record.event.timestamp, partition: record.event.partition?.rawValue, value: number))
            }
        }
        guard !order.isEmpty else { return "" }
        return "<div class=\"card\"><h2>Metadata over time</h2><div class=\"plots\">"
            + order.map { label in
                "<div class=\"plot\" id=\"plot-\(HTML.escape(label))\"><h3>\(HTML.escape(label))</h3>"
                    + MetadataPlot.svg(series[label]!, label: label) + "</div>"
            }.joined() + "</div></div>"
    }

    private static func partitionsCard(_ key: AssetKey, site: WebSite) async throws -> String {
        let (status, space) = try await site.definitions.partitionStatus(
            of: key, storage: site.storage, now: site.now())
        let summary = status.summary(in: space)
        let slices = space.slices
        let columns = PartitionStatusBar.columnStatuses(
            summary, slices: slices, sliceSize: slices.isEmpty ? 0 : space.count / slices.count)
        var html = """
            <div class="card"><h2>Partitions</h2>
            <div class="stats"><div class="stat"><div class="value">\(summary.total)</div><div class="label">partitions</div></div>\
            <div class="stat"><div class="value">\(summary.materialized.count)</div><div class="label">materialized</div></div>\
            <div class="stat"><div class="value">\(summary.failed.count)</div><div class="label">failed</div></div>\
            <div class="stat"><div class="value">\(summary.inProgress.count)</div><div class="label">in progress</div></div>\
            <div class="stat"><div class="value">\(summary.missing.count)</div><div class="label">missing</div></div></div>
            \(PartitionStatusBar.svg(columns))
            <div class="legend"><span><i class="materialized"></i>materialized</span><span><i class="failed"></i>failed</span>\
            <span><i class="inprogress"></i>in progress</span><span><i class="missing"></i>missing</span></div>
            """
        for (title, subset) in [("Missing", summary.missing), ("Failed", summary.failed)] where !subset.isEmpty {
            let ranges = summary.ranges(of: subset, in: space, limit: 21)
            html +=
                "<h2>\(title) ranges</h2><p class=\"mono small\">"
                + ranges.prefix(20).map { HTML.escape($0.start == $0.end ? $0.start.rawValue : $0.description) }
                .joined(separator: ", ") + (ranges.count > 20 ? " …" : "") + "</p>"
        }
        return html + "</div>"
    }

    /// The latest evaluations of each check of the asset, newest first.
    private static func checkHistory(of spec: AssetSpec, storage: any EventLogStorage) async throws
        -> [String: [EventRecord]]
    {
        let latest = try await storage.latestCheckEvaluations(of: [spec.key])
        let names = Set(spec.checks.map(\.name)).union(latest.keys.map(\.name))
        let evaluations = try await storage.checkEvaluations(
            of: names.map { CheckKey(assetKey: spec.key, name: $0) }, limit: 20)
        return Dictionary(
            uniqueKeysWithValues: names.map { ($0, evaluations[CheckKey(assetKey: spec.key, name: $0)] ?? []) })
    }

    private static func checksCard(_ spec: AssetSpec, history: [String: [EventRecord]], now: Date) -> String {
        guard !history.isEmpty else { return "" }
        var html = """
            <div class="card flush"><h2>Checks</h2><table><thead><tr><th>Check</th><th>Latest result</th><th>When</th>\
            <th>Run</th><th>History (newest first)</th></tr></thead><tbody>
            """
        for name in history.keys.sorted() {
            let records = history[name] ?? []
            let record = records.first
            let evaluation = record?.event.checkEvaluation
            let result =
                evaluation.map { WebFormat.badge($0.passed ? "passed" : "failed") } ?? WebFormat.badge("not run")
            let past = records.compactMap { record in
                record.event.checkEvaluation.map {
                    "<span class=\"dot \($0.passed ? "passed" : "failed")\" title=\"\(WebFormat.timestamp(record.event.timestamp)): "
                        + "\($0.passed ? "passed" : "failed")\"></span>"
                }
            }.joined()
            html += """
                <tr><td><b>\(HTML.escape(name))</b>\
                \(spec.checks.first { $0.name == name }?.description.map { "<div class=\"small muted\">\(HTML.escape($0))</div>" } ?? "")</td>\
                <td>\(result) \(HTML.escape(evaluation?.description ?? ""))</td>\
                <td>\(record.map { WebFormat.time($0.event.timestamp, now: now) } ?? "–")</td>\
                <td>\(record.map { WebFormat.runLink($0.event.runID) } ?? "–")</td><td>\(past)</td></tr>
                """
        }
        return html + "</tbody></table></div>"
    }

    private static func historyCard(
        _ materializations: ArraySlice<EventRecord>, observations: [EventRecord], now: Date
    ) -> String {
        var html = "<div class=\"card flush\"><h2>History</h2>"
        let events = (Array(materializations) + observations).sorted { $0.id > $1.id }
        guard !events.isEmpty else { return html + "<p class=\"empty\">Never materialized or observed.</p></div>" }
        html += """
            <table><thead><tr><th>When</th><th>Event</th><th>Partition</th><th>Run</th><th>Metadata</th></tr></thead><tbody>
            """
        for record in events {
            let metadata = record.event.metadata.prefix(4).map {
                "\(HTML.escape($0.label)): \(HTML.escape(String($0.value.description.prefix(60))))"
            }
            .joined(separator: " · ")
            html += """
                <tr><td>\(WebFormat.time(record.event.timestamp, now: now))</td>\
                <td>\(record.event.type == .assetObservation ? "observation" : "materialization")</td>\
                <td>\(HTML.escape(record.event.partition?.rawValue ?? "–"))</td><td>\(WebFormat.runLink(record.event.runID))</td>\
                <td class="small">\(metadata)</td></tr>
                """
        }
        return html + "</tbody></table></div>"
    }
}
