import Cairn
import Foundation

/// `/automation`: the latest evaluation of each asset with an automation condition, with its
/// explanation: the condition's tree, what was true and why.
enum AutomationPage {
    static func render(site: WebSite) async throws -> String {
        let now = site.now()
        let automated = site.graph.nodes.filter { $0.spec.automationCondition != nil }.map(\.key)
        var body = """
            <h1>Automation</h1><p class="subtitle">Assets with an automation condition: the daemon evaluates them \
            and requests runs when the condition is true.</p>
            """
        guard !automated.isEmpty else {
            body += "<div class=\"card\"><p class=\"empty\">No asset has an automation condition.</p></div>"
            return PageLayout.render("Automation", section: .automation, site: site, body: body)
        }
        let evaluations = try await site.storage.latestAutomationEvaluations(of: automated)
        for key in automated {
            body += "<div class=\"card\"><h2>\(WebFormat.assetLink(key)) "
            guard let evaluation = evaluations[key] else {
                body +=
                    WebFormat.badge("not evaluated")
                    + "</h2><p class=\"muted\">The daemon has not evaluated it yet.</p></div>"
                continue
            }
            body += WebFormat.badge(evaluation.requested ? "requested" : "not requested") + "</h2>"
            body +=
                "<p class=\"muted\">Evaluated \(WebFormat.time(evaluation.timestamp, now: now))"
                + (evaluation.runIDs.isEmpty
                    ? "" : " · runs " + evaluation.runIDs.map(WebFormat.runLink).joined(separator: " "))
                + "</p><ul class=\"tree\">" + tree(evaluation.condition) + "</ul></div>"
        }
        return PageLayout.render("Automation", section: .automation, site: site, body: body)
    }

    /// A node of the condition's evaluation and its children.
    private static func tree(_ node: AutomationEvaluationNode) -> String {
        let isTrue = node.trueCount > 0
        var html =
            "<li><span class=\"\(isTrue ? "true" : "false")\">\(isTrue ? "✓" : "✗")</span> \(HTML.escape(node.label))"
        if node.candidateCount > 1 {
            html += " <span class=\"muted\">(\(node.trueCount) of \(node.candidateCount))</span>"
        }
        if !node.reasons.isEmpty {
            html += "<div class=\"small muted\">\(node.reasons.map(HTML.escape).joined(separator: "; "))</div>"
        }
        if !node.children.isEmpty { html += "<ul class=\"tree\">" + node.children.map(tree).joined() + "</ul>" }
        return html + "</li>"
    }
}
