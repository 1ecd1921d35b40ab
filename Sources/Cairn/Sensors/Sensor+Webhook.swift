import Foundation
import Synchronization

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

extension Sensor {
    /// An alert sensor: posts a Slack-compatible message, `{"text": "..."}` as
    /// `application/json`, to a webhook for each run that fails (of `monitoredJobs` or
    /// `monitoredAssets` when given): what the run executed, its id, its failure message and the
    /// steps that failed.
    ///
    /// The URL is read when an alert is due, so `url: .environment("SLACK_WEBHOOK_URL")` keeps it
    /// out of the code; while the variable is not set, ticks are skipped with a reason naming it
    /// and no failure is passed over. A post that fails (no connection, no answer within
    /// `timeout`, an answer other than 2xx) fails the tick and is sent again at the next: the
    /// cursor stays before the run.
    ///
    /// ```swift
    /// Sensor.runFailureWebhook(url: .environment("SLACK_WEBHOOK_URL"), defaultStatus: .running)
    /// ```
    ///
    /// A preview (`sensor preview`) posts nothing: it says which runs it would post alerts for.
    public static func runFailureWebhook(
        name: String = "slack_on_run_failure", url: WebhookURL, monitoredJobs: [String] = [],
        monitoredAssets: [AssetKey] = [], timeout: Duration = .seconds(10), minimumInterval: Duration = .seconds(30),
        defaultStatus: ScheduleStatus = .stopped, file: String = #fileID, line: Int = #line
    ) -> Sensor {
        let monitor = RunStatusMonitor(status: .failure, jobs: monitoredJobs, assets: monitoredAssets)
        return Sensor(
            name, target: nil, monitor: monitor, minimumInterval: minimumInterval, tags: [:],
            defaultStatus: defaultStatus, description: "Posts an alert to \(url) for \(monitor)",
            location: SourceLocation(file: file, line: line)
        ) { context in
            let environment = ProcessInfo.processInfo.environment
            if context.cursor != nil, try url.resolve(in: environment) == nil, let variable = url.variable {
                return .skip(
                    "the environment variable \(variable) is not set; set it to the webhook's URL to post alerts")
            }
            if context.isPreview {
                let alerted = Mutex<[RunID]>([])
                let result = try await reactToEndedRuns(monitor, context: context) { runContext in
                    alerted.withLock { $0.append(runContext.run.id) }
                    return []
                }
                let runs = alerted.withLock { $0 }
                guard !runs.isEmpty else { return result }
                return .skip(
                    "would post an alert to \(url) for \(runs.count) run(s): "
                        + runs.map(\.rawValue).joined(separator: ", "),
                    cursor: result.cursor)
            }
            return try await reactToEndedRuns(monitor, context: context) { runContext in
                guard let target = try url.resolve(in: environment) else { return [] }
                try await post(try await failureAlert(runContext), to: target, timeout: timeout)
                return []
            }
        }
    }

    /// The text of the alert for a failed run: what it executed, its id, why it failed and
    /// which steps failed with their errors, in Slack's markdown.
    static func failureAlert(_ context: RunStatusContext) async throws -> String {
        let run = context.run
        let executed = run.selection.map { "selection `\($0)`" } ?? "job `\(run.jobName)`"
        var lines = [
            ":rotating_light: Run `\(run.id)` of \(executed) FAILED"
                + (run.endedAt.map { " at \(ISO8601Timestamp.format($0))" } ?? ""),
            "Error: \(context.failureMessage ?? "no message")",
        ]
        let failures = try await context.stepFailures()
        if !failures.isEmpty {
            lines.append("Failed steps:")
            lines += failures.map { record in
                "• `\(record.event.stepKey ?? "?")`: \(record.event.error?.message ?? record.event.message)"
            }
        }
        lines.append("Run ID: \(run.id) (see it with `run \(run.id)`)")
        return lines.joined(separator: "\n")
    }

    /// Posts `{"text": text}` to `url`.
    ///
    /// - Throws: `WebhookError.requestFailed` or `.rejected`.
    static func post(_ text: String, to url: URL, timeout: Duration) async throws {
        let host = url.host ?? "the webhook"
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var request = URLRequest(url: url, timeoutInterval: timeout.inSeconds)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try encoder.encode(["text": text])
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw WebhookError.requestFailed(host: host, message: error.localizedDescription)
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        guard (200..<300).contains(status) else {
            throw WebhookError.rejected(
                host: host, status: status, body: String(decoding: data.prefix(200), as: UTF8.self))
        }
    }
}
