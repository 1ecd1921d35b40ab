import Cairn
import Foundation

/// `/runs/<id>`: a run's facts, its actions, its step timeline, its errors and captured output,
/// and its event log, live while the run goes on.
enum RunPage {
    static func render(_ id: RunID, query: FormFields, site: WebSite) async throws -> String {
        guard let run = try await site.storage.run(id) else {
            throw WebError.notFound("there is no run with id '\(id)'; the runs page lists them")
        }
        let now = site.now()
        var events: [EventRecord] = []
        var cursor: Int64?
        while true {
            let page = try await site.storage.events(ofRun: id, after: cursor, limit: 1000)
            events += page
            guard page.count == 1000, let last = page.last else { break }
            cursor = last.id
        }
        var body = """
            <h1>Run <span class="mono">\(HTML.escape(run.id.rawValue))</span> \
            \(WebFormat.badge(run.status.rawValue, id: "run-status"))</h1>
            <p class="subtitle">\(RunsPage.target(of: run))</p>
            <div class="actions">\(actions(for: run, site: site))</div>
            <div class="grid"><div class="card"><h2>Details</h2><dl class="facts">
            <dt>Job</dt><dd>\(HTML.escape(run.jobName))</dd>
            <dt>Selection</dt><dd class="mono">\(HTML.escape(run.selection ?? "–"))</dd>
            <dt>Created</dt><dd>\(WebFormat.timestamp(run.createdAt))</dd>
            <dt>Started</dt><dd>\(run.startedAt.map(WebFormat.timestamp) ?? "–")</dd>
            <dt>Ended</dt><dd>\(run.endedAt.map(WebFormat.timestamp) ?? "–")</dd>
            <dt>Duration</dt><dd>\(run.duration.map(WebFormat.duration) ?? "–")</dd>
            """
        if let parent = run.parentRunID {
            body += "<dt>Re-executes</dt><dd>\(WebFormat.runLink(parent))</dd>"
        }
        if let root = run.rootRunID, root != run.parentRunID {
            body += "<dt>First run</dt><dd>\(WebFormat.runLink(root))</dd>"
        }
        body +=
            "<dt>Tags</dt><dd>"
            + (run.tags.isEmpty
                ? "–"
                : run.tags.sorted { $0.key < $1.key }.map {
                    "<span class=\"tag\">\(HTML.escape($0.key))=\(HTML.escape($0.value))</span>"
                }.joined())
            + "</dd>"
        if let config = run.runConfig, config != .null {
            body += "<dt>Run config</dt><dd><pre class=\"mono\">\(HTML.escape(config.description))</pre></dd>"
        }
        body += "</dl></div>"
        let bars = RunTimeline.bars(of: events, now: run.status.isTerminal ? (run.endedAt ?? now) : now)
        body +=
            "<div class=\"card\"><h2>Step timeline</h2>"
            + (bars.isEmpty ? "<p class=\"empty\">No step has started.</p>" : RunTimeline.svg(bars)) + "</div></div>"
        body += errors(in: events)
        body += capturedOutput(in: events)
        body += log(events, run: run, query: query)
        return PageLayout.render("Run \(run.id.rawValue.prefix(8))", section: .runs, site: site, body: body)
    }

    /// Re-execute and terminate buttons that apply to the run's status.
    private static func actions(for run: Run, site: WebSite) -> String {
        let path = "/runs/\(run.id)"
        if !run.status.isTerminal {
            guard site.allowsChanges else { return "" }
            return """
                <form class="inline" method="post" action="\(path)/terminate" data-confirm="Terminate this run?">\
                \(site.csrfField)<button type="submit" class="button danger">Terminate</button></form>
                """
        }
        var html = site.actionButton("Re-execute all", action: "\(path)/reexecute", style: "primary")
        if run.status != .success {
            html += site.actionButton(
                "Re-execute from failure", action: "\(path)/reexecute", fields: ["from_failure": "1"])
        }
        return html
    }

    private static func errors(in events: [EventRecord]) -> String {
        var seen = Set<String>()
        let failures = events.filter { record in
            guard let error = record.event.error, record.event.type != .stepUpForRetry else { return false }
            return seen.insert("\(record.event.stepKey ?? "")\n\(error)").inserted
        }
        guard !failures.isEmpty else { return "" }
        var html = "<div class=\"card\"><h2>Errors</h2>"
        for record in failures {
            let error = record.event.error!
            html += """
                <p><b>\(HTML.escape(record.event.stepKey ?? "run"))</b> · \(HTML.escape(record.event.type.rawValue))</p>\
                <pre class="error">\(HTML.escape(error.description))\
                \(error.stack.isEmpty ? "" : "\n\n" + HTML.escape(error.stack.joined(separator: "\n")))</pre>
                """
        }
        return html + "</div>"
    }

    /// Per step, in order: what its code logged and what its external processes wrote to stdout
    /// and stderr (stderr in its own colour).
    private static func capturedOutput(in events: [EventRecord]) -> String {
        let output = events.filter { $0.event.type == .logs || $0.event.type == .logsCaptured }
        guard !output.isEmpty else { return "" }
        var html = "<div class=\"card\"><h2>Captured output</h2>"
        for (step, records) in Dictionary(grouping: output, by: { $0.event.stepKey ?? "run" }).sorted(by: {
            $0.key < $1.key
        }) {
            html += "<p><b>\(HTML.escape(step))</b></p><pre class=\"output\" data-step=\"\(HTML.escape(step))\">"
            for record in records {
                let event = record.event
                if event.type == .logs {
                    html += HTML.escape("[\(event.level.rawValue)] \(event.message)\n")
                } else if event.metadata["stream"] == .text(CapturedStream.stderr.rawValue) {
                    html += "<span class=\"stderr\">\(HTML.escape(event.message))</span>"
                } else {
                    html += HTML.escape(event.message)
                }
            }
            html += "</pre>"
        }
        return html + "</div>"
    }

    /// The event log with its filters; filtered on the server by the query, and in the browser as
    /// the filters change; live while the run goes on.
    private static func log(_ events: [EventRecord], run: Run, query: FormFields) -> String {
        let steps = Array(Set(events.compactMap(\.event.stepKey))).sorted()
        let types = Array(Set(events.map(\.event.type.rawValue))).sorted()
        func options(_ values: [String], selected: String?, all: String) -> String {
            "<option value=\"\">\(all)</option>"
                + values.map { value in
                    "<option value=\"\(HTML.escape(value))\"\(value == selected ? " selected" : "")>\(HTML.escape(value))</option>"
                }.joined()
        }
        let shown = events.filter { record in
            (query["step"].map { record.event.stepKey == $0 } ?? true)
                && (query["type"].map { record.event.type.rawValue == $0 } ?? true)
                && (query["level"].map { record.event.level.rawValue == $0 } ?? true)
        }
        let stream =
            run.status.isTerminal
            ? "" : " data-stream=\"/runs/\(HTML.escape(run.id.rawValue))/events?after=\(events.last?.id ?? 0)\""
        var html = """
            <div class="card flush"><h2>Event log</h2>
            <form class="toolbar" method="get" action="/runs/\(HTML.escape(run.id.rawValue))">
            <select id="log-step" name="step">\(options(steps, selected: query["step"], all: "all steps"))</select>
            <select id="log-type" name="type">\(options(types, selected: query["type"], all: "all event types"))</select>
            <select id="log-level" name="level">\(options(LogLevel.allCases.map(\.rawValue), selected: query["level"], all: "all levels"))</select>
            <noscript><button type="submit">Filter</button></noscript></form>
            <table class="log"\(stream)><thead><tr><th>Time</th><th>Event</th><th>Step</th><th>Message</th></tr></thead><tbody>
            """
        if shown.isEmpty {
            html += "<tr class=\"placeholder\"><td colspan=\"4\" class=\"empty\">No events yet.</td></tr>"
        }
        html += shown.map(row).joined()
        return html + "</tbody></table></div>"
    }

    /// One event of the log as a table row, with the attributes the browser filters on.
    static func row(_ record: EventRecord) -> String {
        let event = record.event
        // Captured output is shown whole in its own card; the log shows the start of each chunk.
        let text =
            event.type == .logsCaptured && event.message.count > 300 ? event.message.prefix(300) + "…" : event.message
        var message = HTML.escape(String(text))
        if let key = event.assetKey { message = WebFormat.assetLink(key) + " " + message }
        if let partition = event.partition {
            message += " <span class=\"tag\">\(HTML.escape(partition.rawValue))</span>"
        }
        if !event.metadata.isEmpty {
            message +=
                "<div class=\"small muted\">"
                + event.metadata.map {
                    "\(HTML.escape($0.label)): \(HTML.escape(String($0.value.description.prefix(120))))"
                }
                .joined(separator: " · ") + "</div>"
        }
        return """
            <tr class="level-\(event.level.rawValue.lowercased())" data-step="\(HTML.escape(event.stepKey ?? ""))" \
            data-type="\(event.type.rawValue)" data-level="\(event.level.rawValue)">\
            <td class="mono small">\(WebFormat.timeOfDay(event.timestamp))</td><td>\(WebFormat.badge(event.type.rawValue))</td>\
            <td class="mono small">\(HTML.escape(event.stepKey ?? ""))</td><td>\(message)</td></tr>
            """
    }
}
