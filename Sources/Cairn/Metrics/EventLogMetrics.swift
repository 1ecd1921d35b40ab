import Foundation
import Metrics

/// Metrics of every run of an instance, whichever process executed it, read from its event log:
/// run and step durations, step failures and retries, materializations. `catchUp` reads the
/// events stored since its last call (at most `maxEventsPerCatchUp`, so a scrape stays fast; the
/// next goes on), starting with the events stored after it was created, as a counter starts at 0
/// when its process starts.
public actor EventLogMetrics {
    /// Where the runs and their events are.
    public let storage: any RunStorage & EventLogStorage
    /// Where the metrics go.
    public let factory: any MetricsFactory
    /// The most events one `catchUp` reads.
    public let maxEventsPerCatchUp: Int
    private var cursor: Int64?
    private var started = false
    /// The reading in progress, which a call made meanwhile waits for.
    private var reading: Task<Void, any Error>?
    private let stepFailures: Counter
    private let stepRetries: Counter
    private let materializations: Counter
    private let stepDurations: (success: Timer, failure: Timer)
    /// The start of runs seen starting and not yet seen ending.
    private var runStarts: [RunID: Date] = [:]

    private static let types: Set<EventType> = [
        .runStart, .runSuccess, .runFailure, .runCanceled, .stepSuccess, .stepFailure, .stepUpForRetry,
        .assetMaterialization,
    ]

    /// Creates the metrics of the runs in `storage`, recorded through `factory`.
    public init(
        storage: any RunStorage & EventLogStorage, factory: any MetricsFactory = MetricsSystem.factory,
        maxEventsPerCatchUp: Int = 100_000
    ) {
        self.storage = storage
        self.factory = factory
        self.maxEventsPerCatchUp = maxEventsPerCatchUp
        stepFailures = Counter(label: MetricName.stepFailures, factory: factory)
        stepRetries = Counter(label: MetricName.stepRetries, factory: factory)
        materializations = Counter(label: MetricName.materializations, factory: factory)
        stepDurations = (
            Timer(label: MetricName.stepDuration, dimensions: [("outcome", "success")], factory: factory),
            Timer(label: MetricName.stepDuration, dimensions: [("outcome", "failure")], factory: factory)
        )
    }

    /// Records the metrics of the events stored since the last call. Calls at once (two scrapers)
    /// share one reading, so that no event is counted twice.
    public func catchUp() async throws {
        if let reading { return try await reading.value }
        let task = Task { try await self.readNewEvents() }
        reading = task
        defer { reading = nil }
        try await task.value
    }

    /// Reads and measures the events after the cursor, moving it past each event measured.
    private func readNewEvents() async throws {
        if !started {
            cursor = try await storage.lastEventID()
            started = true
            // Counters are shown from the first scrape, at 0 until something happens.
            for counter in [stepFailures, stepRetries, materializations] { counter.increment(by: 0) }
            return
        }
        var read = 0
        while read < maxEventsPerCatchUp {
            let page = try await storage.events(after: cursor, types: Self.types, limit: 1_000)
            for record in page {
                try await measure(record.event)
                cursor = record.id
            }
            read += page.count
            guard page.count == 1_000 else { return }
        }
    }

    private func measure(_ event: Event) async throws {
        switch event.type {
        case .runStart:
            runStarts[event.runID] = event.timestamp
        case .runSuccess, .runFailure, .runCanceled:
            let start = runStarts.removeValue(forKey: event.runID)
            guard let run = try await storage.run(event.runID), let started = start ?? run.startedAt else { return }
            Timer(
                label: MetricName.runDuration,
                dimensions: [("job", run.jobName), ("status", event.type.runStatus?.rawValue ?? "")], factory: factory
            ).recordSeconds(max(event.timestamp.timeIntervalSince(started), 0))
        case .stepSuccess, .stepFailure:
            let failed = event.type == .stepFailure
            if case .float(let milliseconds)? = event.metadata["duration_ms"] {
                (failed ? stepDurations.failure : stepDurations.success).recordSeconds(milliseconds / 1000)
            }
            if failed { stepFailures.increment() }
        case .stepUpForRetry:
            stepRetries.increment()
        case .assetMaterialization:
            materializations.increment()
        default:
            break
        }
    }
}
