import Foundation

/// What a run-status sensor's reaction knows: the run that ended, the event that ended it, the
/// time and storage.
///
/// ```swift
/// Sensor.onRunStatus(.failure, name: "log_failures") { context in
///     print("\(context.run.id) failed: \(context.failureMessage ?? "-")")
///     return []
/// }
/// ```
public struct RunStatusContext: Sendable {
    /// The sensor's name.
    public let sensorName: String
    /// The run that ended, as stored when the sensor read its ending event.
    public let run: Run
    /// The RUN_SUCCESS, RUN_FAILURE or RUN_CANCELED event that ended the run.
    public let event: EventRecord
    /// When the sensor is evaluated.
    public let evaluationTime: Date
    /// The instance's storage, to query the run's events and other runs.
    public let storage: any SensorContext.Storage

    /// Creates a context.
    public init(
        sensorName: String, run: Run, event: EventRecord, evaluationTime: Date, storage: any SensorContext.Storage
    ) {
        self.sensorName = sensorName
        self.run = run
        self.event = event
        self.evaluationTime = evaluationTime
        self.storage = storage
    }

    /// Why the run failed, for a RUN_FAILURE event: the error's message or the event's.
    public var failureMessage: String? {
        guard event.event.type == .runFailure else { return nil }
        return event.event.error?.message ?? (event.event.message.isEmpty ? nil : event.event.message)
    }

    /// The STEP_FAILURE events of the run, in order: which steps failed, and their errors.
    public func stepFailures() async throws -> [EventRecord] {
        var failures: [EventRecord] = []
        var cursor: Int64?
        while true {
            let page = try await storage.events(ofRun: run.id, after: cursor, limit: Self.eventPage)
            failures += page.filter { $0.event.type == .stepFailure }
            guard let last = page.last, page.count == Self.eventPage else { return failures }
            cursor = last.id
        }
    }

    /// How many events of the run `stepFailures()` reads at a time.
    private static let eventPage = 1000
}
