import Cairn
import Foundation

/// `/sensors` and `/sensors/<name>`: sensors with their status, interval, cursor, on/off toggles,
/// tick history, and a preview of an evaluation that stores nothing.
enum SensorsPage {
    static func render(site: WebSite) async throws -> String {
        let now = site.now()
        var body = "<h1>Sensors</h1><p class=\"subtitle\">The daemon evaluates running sensors at their interval.</p>"
        guard !site.definitions.sensors.isEmpty else {
            body += "<div class=\"card\"><p class=\"empty\">The code location defines no sensors.</p></div>"
            return PageLayout.render("Sensors", section: .sensors, site: site, body: body)
        }
        body += """
            <div class="card flush"><table><thead><tr><th>Sensor</th><th>Interval</th><th>Target</th><th>Status</th>\
            <th>Last tick</th><th></th></tr></thead><tbody>
            """
        for sensor in site.definitions.sensors {
            let status = try await site.storage.scheduleState(sensor.storageName)?.status ?? sensor.defaultStatus
            let last = try await site.storage.scheduleTicks(of: sensor.storageName, before: nil, limit: 1).first
            body += """
                <tr><td><a href="/sensors/\(WebFormat.pathComponent(sensor.name))">\(HTML.escape(sensor.name))</a>\
                \(sensor.description.map { "<div class=\"small muted\">\(HTML.escape($0))</div>" } ?? "")</td>\
                <td>\(HTML.escape(sensor.minimumInterval.description))</td>\
                <td>\(HTML.escape(sensor.target?.description ?? "no target"))</td><td>\(WebFormat.badge(status.rawValue))</td>\
                <td>\(last.map { WebFormat.badge($0.status.rawValue) + " " + WebFormat.time($0.timestamp, now: now) } ?? "–")</td>\
                <td>\(site.toggle("/sensors/\(WebFormat.pathComponent(sensor.name))", running: status == .running))</td></tr>
                """
        }
        body += "</tbody></table></div>"
        return PageLayout.render("Sensors", section: .sensors, site: site, body: body)
    }

    static func renderSensor(_ name: String, preview: Bool = false, site: WebSite) async throws -> String {
        let sensor = try site.definitions.sensor(named: name)
        let now = site.now()
        let state = try await site.storage.scheduleState(sensor.storageName)
        let status = state?.status ?? sensor.defaultStatus
        let path = "/sensors/\(WebFormat.pathComponent(name))"
        var body = """
            <h1>\(HTML.escape(name)) \(WebFormat.badge(status.rawValue))</h1>
            <p class="subtitle">Sensor · every \(HTML.escape(sensor.minimumInterval.description)) · \
            \(HTML.escape(sensor.target?.description ?? "no target"))\(sensor.description.map { " · " + HTML.escape($0) } ?? "")</p>
            <div class="actions">\(site.toggle("/sensors/\(WebFormat.pathComponent(name))", running: status == .running))\
            <form class="inline" method="post" action="\(path)/preview">\(site.csrfField)\
            <button class="button" type="submit">Preview evaluation</button></form></div>
            <div class="card"><h2>Cursor</h2><pre class="mono">\(HTML.escape(state?.cursor ?? "none"))</pre></div>
            """
        if preview {
            body += try await previewCard(sensor, cursor: state?.cursor, site: site)
        }
        body += SchedulesPage.ticksTable(
            try await site.storage.scheduleTicks(of: sensor.storageName, before: nil, limit: 50), now: now)
        return PageLayout.render(name, section: .sensors, site: site, body: body)
    }

    /// One evaluation with the stored cursor, storing nothing.
    private static func previewCard(_ sensor: Sensor, cursor: String?, site: WebSite) async throws -> String {
        let context = SensorContext(
            sensorName: sensor.name, cursor: cursor, evaluationTime: site.now(), storage: site.storage, isPreview: true)
        var html = "<div class=\"card\"><h2>Preview</h2>"
        do {
            let result = try await SensorEvaluation.evaluate(sensor, context: context)
            let runs = try SensorEvaluation.runs(
                for: result, of: sensor, graph: site.graph, now: context.evaluationTime)
            if let reason = result.skipReason {
                html += "<p>Would skip: \(HTML.escape(reason))</p>"
            } else {
                html += "<p>Would request \(runs.count) run(s).</p>"
                if !runs.isEmpty {
                    html +=
                        "<table><thead><tr><th>Run key</th><th>Assets</th><th>Tags</th></tr></thead><tbody>"
                        + runs.map { run, key in
                            "<tr><td class=\"mono\">\(HTML.escape(key))</td><td>\(RunsPage.target(of: run))</td><td>"
                                + run.tags.sorted { $0.key < $1.key }.map {
                                    "<span class=\"tag\">\(HTML.escape($0.key))=\(HTML.escape($0.value))</span>"
                                }.joined() + "</td></tr>"
                        }.joined() + "</tbody></table>"
                }
            }
            html +=
                "<p class=\"muted\">Cursor: \(HTML.escape(cursor ?? "none")) → \(HTML.escape(result.cursor ?? cursor ?? "none"))</p>"
        } catch {
            html += "<div class=\"flash error\">The evaluation failed: \(HTML.escape("\(error)"))</div>"
        }
        return html + "</div>"
    }

}
