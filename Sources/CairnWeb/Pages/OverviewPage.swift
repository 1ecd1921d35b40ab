import Cairn
import Foundation

/// `/`: what needs attention: recent runs, failed assets and checks, schedules and sensors with
/// their next ticks, the daemon's health.
enum OverviewPage {
    static func render(site: WebSite) async throws -> String {
        let now = site.now()
        let storage = site.storage
        let graph = site.graph
        async let recentRuns = storage.runs(matching: RunFilter(), limit: 12, after: nil)
        async let heartbeats = storage.daemonHeartbeats()
        async let checks = storage.latestCheckEvaluations(of: graph.nodes.map(\.key))
        let health = try await AssetHealth.load(nil, site: site)
        let runs = try await recentRuns
        let failedChecks = try await checks.values.filter { $0.event.checkEvaluation?.passed == false }
            .sorted { $0.id > $1.id }
        let materializable = graph.nodes.filter { !$0.isSource }
        let counts = Dictionary(grouping: materializable, by: { health.display($0.key) }).mapValues(\.count)

        var body = """
            <h1>Overview</h1><p class="subtitle">\(materializable.count) assets in \
            \(Set(materializable.map(\.spec.group)).count) group(s) · \(site.definitions.schedules.count) schedule(s) · \
            \(site.definitions.sensors.count) sensor(s)</p>
            <div class="stats">
            """
        for display in AssetHealth.Display.allCases where display != .source {
            let select = display == .fresh || display == .source ? nil : display.rawValue
            let link = "/assets" + (select.map { "?status=\(WebFormat.queryValue($0))" } ?? "")
            body += """
                <a class="stat" href="\(link)"><div class="value">\(counts[display] ?? 0)</div>\
                <div class="label">\(HTML.escape(display.rawValue))</div></a>
                """
        }
        body += "</div><div class=\"grid\"><div>"
        body += "<div class=\"card flush\"><h2>Recent runs</h2>" + RunsPage.table(runs, now: now) + "</div>"
        body += failedAssets(health, checks: failedChecks, now: now)
        body += "</div><div>"
        body += try await automationCard(site: site, now: now)
        body += daemonCard(try await heartbeats, now: now)
        body += "</div></div>"
        return PageLayout.render(
            "Overview", section: .overview, site: site, body: body,
            refreshSeconds: runs.contains { !$0.status.isTerminal } ? 5 : nil)
    }

    private static func failedAssets(_ health: AssetHealth, checks: [EventRecord], now: Date) -> String {
        var html = "<div class=\"card flush\"><h2>Failed assets and checks</h2>"
        guard !health.failures.isEmpty || !checks.isEmpty else {
            return html + "<p class=\"empty\">No asset failed its latest materialization, no check failed.</p></div>"
        }
        html += "<table><thead><tr><th>Asset</th><th>What failed</th><th>When</th><th>Run</th></tr></thead><tbody>"
        for (key, record) in health.failures.sorted(by: { $0.value.id > $1.value.id }).prefix(20) {
            html += """
                <tr><td>\(WebFormat.assetLink(key))</td><td>\(WebFormat.badge("FAILURE")) \
                \(HTML.escape(String(record.event.message.prefix(160))))</td>\
                <td>\(WebFormat.time(record.event.timestamp, now: now))</td><td>\(WebFormat.runLink(record.event.runID))</td></tr>
                """
        }
        for record in checks.prefix(20) {
            guard let key = record.event.assetKey, let check = record.event.checkEvaluation else { continue }
            html += """
                <tr><td>\(WebFormat.assetLink(key))</td><td>\(WebFormat.badge("check failed")) \
                <b>\(HTML.escape(check.checkName))</b> \(HTML.escape(check.description ?? ""))</td>\
                <td>\(WebFormat.time(record.event.timestamp, now: now))</td><td>\(WebFormat.runLink(record.event.runID))</td></tr>
                """
        }
        return html + "</tbody></table></div>"
    }

    private static func automationCard(site: WebSite, now: Date) async throws -> String {
        var html = "<div class=\"card flush\"><h2>Schedules and sensors</h2>"
        let schedules = site.definitions.schedules
        let sensors = site.definitions.sensors
        guard !schedules.isEmpty || !sensors.isEmpty else {
            return html + "<p class=\"empty\">The code location defines no schedules or sensors.</p></div>"
        }
        html += "<table><thead><tr><th>Name</th><th>Kind</th><th>Status</th><th>Next tick</th></tr></thead><tbody>"
        for schedule in schedules {
            let status = try await site.storage.scheduleState(schedule.name)?.status ?? schedule.defaultStatus
            let next = status == .running ? (try? schedule.cronSchedule().nextTick(after: now)) : nil
            html += """
                <tr><td><a href="/schedules/\(WebFormat.pathComponent(schedule.name))">\(HTML.escape(schedule.name))</a></td>\
                <td>schedule <span class="muted mono">\(HTML.escape(schedule.cron))</span></td>\
                <td>\(WebFormat.badge(status.rawValue))</td><td>\(next.map { WebFormat.time($0, now: now) } ?? "–")</td></tr>
                """
        }
        for sensor in sensors {
            let state = try await site.storage.scheduleState(sensor.storageName)
            let status = state?.status ?? sensor.defaultStatus
            html += """
                <tr><td><a href="/sensors/\(WebFormat.pathComponent(sensor.name))">\(HTML.escape(sensor.name))</a></td>\
                <td>sensor <span class="muted">every \(HTML.escape(sensor.minimumInterval.description))</span></td>\
                <td>\(WebFormat.badge(status.rawValue))</td>\
                <td>\(status == .running ? "within \(HTML.escape(sensor.minimumInterval.description))" : "–")</td></tr>
                """
        }
        return html + "</tbody></table></div>"
    }

    private static func daemonCard(_ heartbeats: [DaemonHeartbeat], now: Date) -> String {
        var html = "<div class=\"card flush\"><h2>Daemon</h2>"
        guard !heartbeats.isEmpty else {
            return html
                + "<p class=\"empty\">No daemon is running: schedules, sensors and queued runs wait for "
                + "<code>dev</code> or <code>daemon</code>.</p></div>"
        }
        html += "<table><thead><tr><th>Service</th><th>Daemon</th><th>Heartbeat</th><th>Health</th></tr></thead><tbody>"
        for heartbeat in heartbeats.sorted(by: {
            ($0.service, $0.daemonID.rawValue) < ($1.service, $1.daemonID.rawValue)
        }) {
            let healthy = heartbeat.isHealthy(at: now)
            html += """
                <tr><td>\(HTML.escape(heartbeat.service))</td>\
                <td class="mono">\(HTML.escape(heartbeat.daemonID.short)) <span class="muted">\(HTML.escape(heartbeat.host)):\(heartbeat.pid)</span></td>\
                <td>\(WebFormat.time(heartbeat.timestamp, now: now))</td>\
                <td>\(WebFormat.badge(healthy ? "healthy" : "unhealthy"))\
                \(heartbeat.error.map { " <span class=\"small muted\">\(HTML.escape($0))</span>" } ?? "")</td></tr>
                """
        }
        return html + "</tbody></table></div>"
    }
}
