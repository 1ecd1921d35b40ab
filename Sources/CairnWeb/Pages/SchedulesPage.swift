import Cairn
import Foundation

/// `/schedules` and `/schedules/<name>`: schedules with their status, next ticks, on/off toggles
/// and tick history with outcomes and reasons.
enum SchedulesPage {
    static func render(site: WebSite) async throws -> String {
        let now = site.now()
        var body = "<h1>Schedules</h1><p class=\"subtitle\">The daemon evaluates running schedules at their ticks.</p>"
        guard !site.definitions.schedules.isEmpty else {
            body += "<div class=\"card\"><p class=\"empty\">The code location defines no schedules.</p></div>"
            return PageLayout.render("Schedules", section: .schedules, site: site, body: body)
        }
        body += """
            <div class="card flush"><table><thead><tr><th>Schedule</th><th>Cron</th><th>Target</th><th>Status</th>\
            <th>Next tick</th><th>Last tick</th><th></th></tr></thead><tbody>
            """
        for schedule in site.definitions.schedules {
            let status = try await site.storage.scheduleState(schedule.name)?.status ?? schedule.defaultStatus
            let next = status == .running ? (try? schedule.cronSchedule().nextTick(after: now)) : nil
            let last = try await site.storage.scheduleTicks(of: schedule.name, before: nil, limit: 1).first
            body += """
                <tr><td><a href="/schedules/\(WebFormat.pathComponent(schedule.name))">\(HTML.escape(schedule.name))</a></td>\
                <td class="mono">\(HTML.escape(schedule.cron)) <span class="muted">\(HTML.escape(schedule.timezone))</span></td>\
                <td>\(HTML.escape(schedule.target.description))</td><td>\(WebFormat.badge(status.rawValue))</td>\
                <td>\(next.map { WebFormat.time($0, now: now) } ?? "–")</td>\
                <td>\(last.map { WebFormat.badge($0.status.rawValue) + " " + WebFormat.time($0.scheduledTime, now: now) } ?? "–")</td>\
                <td>\(site.toggle("/schedules/\(WebFormat.pathComponent(schedule.name))", running: status == .running))</td></tr>
                """
        }
        body += "</tbody></table></div>"
        return PageLayout.render("Schedules", section: .schedules, site: site, body: body)
    }

    static func renderSchedule(_ name: String, site: WebSite) async throws -> String {
        let schedule = try site.definitions.schedule(named: name)
        let now = site.now()
        let status = try await site.storage.scheduleState(name)?.status ?? schedule.defaultStatus
        let cron = try? schedule.cronSchedule()
        var upcoming: [Date] = []
        var after = now
        while status == .running, let cron, upcoming.count < 5 {
            after = cron.nextTick(after: after)
            upcoming.append(after)
        }
        var body = """
            <h1>\(HTML.escape(name)) \(WebFormat.badge(status.rawValue))</h1>
            <p class="subtitle">Schedule · <span class="mono">\(HTML.escape(schedule.cron))</span> in \
            \(HTML.escape(schedule.timezone)) · \(HTML.escape(schedule.target.description))</p>
            <div class="actions">\(site.toggle("/schedules/\(WebFormat.pathComponent(name))", running: status == .running))</div>
            <div class="grid"><div class="card"><h2>Next ticks</h2>
            """
        body +=
            upcoming.isEmpty
            ? "<p class=\"empty\">Stopped: no ticks are evaluated.</p>"
            : "<ul>"
                + upcoming.map {
                    "<li>\(WebFormat.timestamp($0)) <span class=\"muted\">(\(WebFormat.relative($0, now: now)))</span></li>"
                }
                .joined() + "</ul>"
        body += "</div></div>"
        body += ticksTable(try await site.storage.scheduleTicks(of: name, before: nil, limit: 50), now: now)
        return PageLayout.render(name, section: .schedules, site: site, body: body)
    }

    /// A table of ticks, newest first: when, outcome, runs, message.
    static func ticksTable(_ ticks: [ScheduleTick], now: Date) -> String {
        var html = "<div class=\"card flush\"><h2>Ticks</h2>"
        guard !ticks.isEmpty else { return html + "<p class=\"empty\">No ticks yet.</p></div>" }
        html += "<table><thead><tr><th>Tick</th><th>Outcome</th><th>Runs</th><th>Reason</th></tr></thead><tbody>"
        for tick in ticks {
            html += """
                <tr><td>\(WebFormat.timestamp(tick.scheduledTime))</td><td>\(WebFormat.badge(tick.status.rawValue))</td>\
                <td>\(tick.runIDs.map(WebFormat.runLink).joined(separator: " "))</td>\
                <td>\(HTML.escape(tick.message ?? ""))</td></tr>
                """
        }
        return html + "</tbody></table></div>"
    }
}
