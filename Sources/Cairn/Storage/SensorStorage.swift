/// Storage of sensors, which shares the schedules' tables: a sensor's state and ticks are stored
/// under `Sensor.storageName(_:)` (`sensor:<name>`), a name no schedule may take, its tick's
/// `scheduledTime` is the time it was evaluated, and its run keys are claimed under the same
/// origin.
public protocol SensorStorage: ScheduleStorage {
    /// In one transaction: as `addRunsOnce(_:origin:tick:)`, and stores `cursor` as the new cursor
    /// of the state named by the tick, so runs, tick and cursor are stored together or not at all.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run's id exists, storing nothing.
    @discardableResult
    func addRunsOnce(
        _ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick, cursor: String?
    ) async throws -> [Run]
}
