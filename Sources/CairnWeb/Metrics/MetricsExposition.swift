import Cairn
import Foundation
import Prometheus

/// The text `/metrics` answers, in Prometheus's exposition format: the runs by status and job and
/// the queue, read from storage at each scrape; the metrics of every run, read from the event
/// log (`EventLogMetrics`); and whatever this process recorded in `registry` (daemon rounds, event
/// appends, HTTP requests).
public struct MetricsExposition: Sendable {
    /// The content type of the text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Where the runs are.
    public let storage: any RunStorage & EventLogStorage
    /// What this process recorded.
    public let registry: PrometheusCollectorRegistry
    /// The metrics read from the event log.
    public let eventLog: EventLogMetrics
    /// The current time, for the queue's age.
    public let now: @Sendable () -> Date

    /// Creates the exposition of an instance's metrics.
    public init(
        storage: any RunStorage & EventLogStorage,
        registry: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.storage = storage
        self.registry = registry
        self.eventLog = EventLogMetrics(storage: storage, factory: PrometheusMetrics.factory(registry: registry))
        self.now = now
    }

    /// Starts following the event log from now on.
    public func start() async throws {
        try await eventLog.catchUp()
    }

    /// The metrics now.
    public func text() async throws -> String {
        try await eventLog.catchUp()
        let counts = try await storage.runCounts()
        var text = ""
        func header(_ name: String) { text += "# HELP \(name) \(Self.help[name] ?? "")\n# TYPE \(name) gauge\n" }
        header(MetricName.runs)
        let jobs = Set(counts.map(\.jobName)).sorted()
        let byKey = Dictionary(counts.map { ("\($0.status.rawValue) \($0.jobName)", $0.count) }) { $0 + $1 }
        for job in jobs {
            for status in RunStatus.allCases {
                let labels = "status=\"\(Self.escape(status.rawValue))\",job=\"\(Self.escape(job))\""
                text += "\(MetricName.runs){\(labels)} \(byKey["\(status.rawValue) \(job)"] ?? 0)\n"
            }
        }
        let queued = counts.filter { $0.status == .queued }
        header(MetricName.queueDepth)
        text += "\(MetricName.queueDepth) \(queued.reduce(0) { $0 + $1.count })\n"
        header(MetricName.queueOldestAge)
        let oldest = queued.map(\.oldestCreatedAt).min()
        text += "\(MetricName.queueOldestAge) \(oldest.map { max(now().timeIntervalSince($0), 0) } ?? 0)\n"
        // swift-metrics gives no help texts: each family of the registry gets its own here.
        for line in registry.emitToString().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# TYPE "), let name = line.dropFirst(7).split(separator: " ").first,
                let help = Self.help[String(name)]
            {
                text += "# HELP \(name) \(help)\n"
            }
            text += line.isEmpty ? "" : "\(line)\n"
        }
        return text
    }

    /// The help text of each metric, by name.
    private static let help = Dictionary(MetricName.help.map { ($0.name, $0.help) }) { first, _ in first }

    /// A label value as the exposition format writes it: backslash, double quote and line feed escaped.
    static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
