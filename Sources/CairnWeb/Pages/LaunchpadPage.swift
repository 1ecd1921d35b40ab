import Cairn
import CairnYAML
import Foundation
import Hummingbird

/// `/launchpad`: pick assets (a selection) or a job, write run config as YAML, add tags and a
/// partition, validate, launch. Problems show at the lines of the YAML they concern.
enum LaunchpadPage {
    /// What the form holds.
    struct Draft {
        var selection: String?
        var job: String?
        var partition: String?
        var tags: String
        var yaml: String
    }

    static func render(_ query: FormFields, site: WebSite) async throws -> String {
        let selection = query.raw("select") ?? (query["job"] == nil ? "*" : nil)
        let draft = Draft(
            selection: selection, job: query["job"], partition: query["partition"], tags: "",
            yaml: scaffold(selection: selection, job: query["job"], site: site))
        return page(draft, problems: [], notice: nil, site: site)
    }

    /// Validates the posted form, and launches the run unless only validation was asked for.
    static func submit(_ form: FormFields, site: WebSite) async throws -> Response {
        let draft = Draft(
            selection: form["select"], job: form["job"], partition: form["partition"], tags: form.raw("tags") ?? "",
            yaml: form.raw("config") ?? "")
        var problems: [(line: Int?, message: String)] = []
        var target: Schedule.Target?
        if let job = draft.job {
            target = .job(job)
        } else if let selection = draft.selection {
            target = .selection(selection)
        } else {
            problems.append((nil, "choose assets (a selection such as '*' or 'group:weather') or a job"))
        }
        var tags: [String: String] = [:]
        do {
            tags = try Run.tags(
                parsing: draft.tags.split(whereSeparator: \.isNewline).filter {
                    !$0.trimmingCharacters(in: .whitespaces).isEmpty
                })
        } catch {
            problems.append((nil, error.description))
        }
        var runConfig = RunConfig.empty
        do {
            let json = try RunConfigFile.parse(yaml: draft.yaml, path: "run config")
            runConfig = try RunConfig(json == .null ? .object([:]) : json)
        } catch let error as RunConfigFile.LoadError {
            problems.append((error.line, error.problem))
        } catch let error as ConfigError {
            problems += error.issues.map { (RunConfigFile.line(of: $0.path, inYAML: draft.yaml), $0.description) }
        }
        if let target, problems.isEmpty {
            do {
                let partitions = draft.partition.map { PartitionKeyRange(PartitionKey($0)) }
                if form["action"] == "validate" {
                    let run = try await site.operations.validateRun(
                        target, partitionRange: partitions, tags: tags, runConfig: runConfig)
                    let notice =
                        "Valid: the run would execute \(run.assetKeys.isEmpty ? "job \(run.jobName)" : "\(run.assetKeys.count) asset(s)")."
                    return .html(page(draft, problems: [], notice: notice, site: site))
                }
                let run = try await site.operations.queueRun(
                    target, partitionRange: partitions, tags: tags, runConfig: runConfig)
                return .redirect(to: "/runs/\(run.id)", type: .normal)
            } catch let error as ConfigError {
                problems += error.issues.map { (RunConfigFile.line(of: $0.path, inYAML: draft.yaml), $0.description) }
            } catch let error as any UserError {
                problems.append((nil, error.description))
            }
        }
        return .html(page(draft, problems: problems, notice: nil, site: site), status: .badRequest)
    }

    private static func page(_ draft: Draft, problems: [(line: Int?, message: String)], notice: String?, site: WebSite)
        -> String
    {
        let jobs = site.definitions.jobs.map(\.name)
        let jobOptions = jobs.map { name in
            "<option value=\"\(HTML.escape(name))\"\(draft.job == name ? " selected" : "")>\(HTML.escape(name))</option>"
        }.joined()
        var body = """
            <h1>Launchpad</h1><p class="subtitle">Launch a run of a selection of assets or of a job, with run config \
            in YAML. The daemon's run queue starts it (run <code>dev</code> or <code>daemon</code>).</p>
            """
        if !problems.isEmpty {
            body += "<div class=\"flash error\">The run was not launched: \(problems.count) problem(s).</div>"
            body +=
                "<ul class=\"yaml-errors\">"
                + problems.map { "<li>\($0.line.map { "line \($0): " } ?? "")\(HTML.escape($0.message))</li>" }.joined()
                + "</ul>"
            body += annotated(draft.yaml, problems: problems)
        }
        if let notice { body += "<div class=\"flash notice\">\(HTML.escape(notice))</div>" }
        body += """
            <form class="card" method="post" action="/launchpad">\(site.csrfField)
            <label class="field"><span>Assets (selection)</span>\
            <input class="selection" type="text" name="select" value="\(HTML.escape(draft.selection ?? ""))" \
            placeholder="* or group:weather or +key:hottest_dates"></label>
            """
        if !jobs.isEmpty {
            body += """
                <label class="field"><span>or a job</span><select name="job"><option value="">no job: the assets above</option>\
                \(jobOptions)</select></label>
                """
        }
        body += """
            <label class="field"><span>Partition (for partitioned assets)</span>\
            <input type="text" name="partition" value="\(HTML.escape(draft.partition ?? ""))" placeholder="2026-11-21"></label>
            <label class="field"><span>Run config (YAML)</span>\
            <textarea class="yaml" name="config" spellcheck="false">\(HTML.escape(draft.yaml))</textarea></label>
            <label class="field"><span>Tags (key=value, one per line)</span>\
            <textarea name="tags" rows="3">\(HTML.escape(draft.tags))</textarea></label>
            <div class="actions">
            """
        if site.allowsChanges {
            body += """
                <button class="button" type="submit" name="action" value="validate">Validate</button>\
                <button class="button primary" type="submit" name="action" value="launch">Launch run</button>
                """
        } else {
            body += "<span class=\"muted\">This server is read-only.</span>"
        }
        body += "</div></form>"
        return PageLayout.render("Launchpad", section: .launchpad, site: site, body: body, notice: nil)
    }

    /// The YAML with line numbers, the lines with problems marked and their messages beside them.
    private static func annotated(_ yaml: String, problems: [(line: Int?, message: String)]) -> String {
        let byLine = Dictionary(
            grouping: problems.compactMap { problem in problem.line.map { ($0, problem.message) } }, by: \.0)
        guard !byLine.isEmpty else { return "" }
        let lines = yaml.split(separator: "\n", omittingEmptySubsequences: false)
        return "<div class=\"yaml-view\">"
            + lines.enumerated().map { offset, text in
                let number = offset + 1
                let messages = byLine[number]?.map(\.1) ?? []
                return "<div class=\"line\(messages.isEmpty ? "" : " bad")\"><span class=\"number\">\(number)</span>"
                    + "<pre>\(HTML.escape(String(text)))</pre>"
                    + messages.map { "<span class=\"problem\">← \(HTML.escape($0))</span>" }.joined() + "</div>"
            }.joined() + "</div>"
    }

    /// A YAML skeleton of the config the selected steps take, with their defaults, or an empty mapping.
    static func scaffold(selection: String?, job: String?, site: WebSite) -> String {
        guard job == nil, let selection, let selected = try? AssetSelection.parse(selection).resolve(in: site.graph)
        else { return "" }
        var ops: [(String, JSONValue)] = []
        var seen = Set<Int>()
        for index in selected.sorted() {
            let definition = site.graph.nodes[index].definitionIndex
            guard seen.insert(definition).inserted, let schema = site.graph.definitions[definition].configSchema else {
                continue
            }
            ops.append((site.graph.definitions[definition].name, schema.template()))
        }
        guard !ops.isEmpty else { return "" }
        return "ops:\n"
            + ops.map { name, template in "  \(name):\n    config:\n" + YAMLText.lines(template, indent: 6) }.joined()
    }
}

/// JSON values written as block YAML, for config skeletons.
enum YAMLText {
    /// `value` as YAML lines indented by `indent` spaces, each ending in a newline.
    static func lines(_ value: JSONValue, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .object(let entries) where !entries.isEmpty:
            return entries.keys.sorted().map { key in
                let child = entries[key]!
                if case .object(let nested) = child, !nested.isEmpty {
                    return "\(pad)\(key):\n" + lines(child, indent: indent + 2)
                }
                return "\(pad)\(key): \(child.description)\n"
            }.joined()
        default:
            return "\(pad)\(value.description)\n"
        }
    }
}
