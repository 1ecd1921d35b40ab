import Foundation

/// What a sensor's `evaluate` function knows: its cursor, its last run key, the time, and storage.
public struct SensorContext: Sendable {
    /// The sensor's name.
    public let sensorName: String
    /// The cursor the sensor returned last, `nil` before its first.
    public let cursor: String?
    /// The run key of the last run the sensor created, `nil` before its first.
    public let lastRunKey: String?
    /// When the sensor is evaluated.
    public let evaluationTime: Date
    /// The instance's storage, to query runs, events and materializations.
    public let storage: any InstanceStorage

    /// Creates a context.
    public init(
        sensorName: String, cursor: String?, lastRunKey: String?, evaluationTime: Date, storage: any InstanceStorage
    ) {
        self.sensorName = sensorName
        self.cursor = cursor
        self.lastRunKey = lastRunKey
        self.evaluationTime = evaluationTime
        self.storage = storage
    }
}
