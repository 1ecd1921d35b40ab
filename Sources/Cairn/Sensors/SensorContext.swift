import Foundation

/// What a sensor's `evaluate` function knows: its cursor, its last run key, the time, and storage.
public struct SensorContext: Sendable {
    /// What a sensor can read and change of storage: runs, events and materializations, partition
    /// status, and dynamic partitions, which a sensor may add to.
    public typealias Storage = RunStorage & EventLogStorage & PartitionStatusStorage & DynamicPartitionsStorage

    /// The sensor's name.
    public let sensorName: String
    /// The cursor the sensor returned last, `nil` before its first.
    public let cursor: String?
    /// When the sensor is evaluated.
    public let evaluationTime: Date
    /// The instance's storage, to query runs, events and materializations.
    public let storage: any Storage
    /// Whether this is a preview (`sensor preview`), whose result is shown and not stored: a
    /// sensor with side effects (an alert) should only say what it would do.
    public let isPreview: Bool
    private let loadLastRunKey: @Sendable () async throws -> String?

    /// Creates a context whose last run key is `lastRunKey`.
    public init(
        sensorName: String, cursor: String?, lastRunKey: String?, evaluationTime: Date, storage: any Storage
    ) {
        self.sensorName = sensorName
        self.cursor = cursor
        self.evaluationTime = evaluationTime
        self.storage = storage
        self.isPreview = false
        self.loadLastRunKey = { lastRunKey }
    }

    /// Creates a context whose last run key is read from `storage` only if the sensor asks for it.
    public init(
        sensorName: String, cursor: String?, evaluationTime: Date, storage: any Storage,
        isPreview: Bool = false
    ) {
        self.sensorName = sensorName
        self.cursor = cursor
        self.evaluationTime = evaluationTime
        self.storage = storage
        self.isPreview = isPreview
        self.loadLastRunKey = {
            let runs = try await storage.runs(matching: RunFilter(tags: [Sensor.tag: sensorName]), limit: 1, after: nil)
            return runs.first?.tags[SensorEvaluation.runKeyTag]
        }
    }

    /// The run key of the last run the sensor created, `nil` before its first; read from storage
    /// when asked, so sensors that do not use it cost no query.
    public var lastRunKey: String? {
        get async throws { try await loadLastRunKey() }
    }
}
