import Foundation

/// Storage of schedules' and sensors' state (started or stopped, last tick evaluated, a sensor's
/// cursor) and tick history, and the run keys that keep a tick from creating a run twice.
///
/// A sensor's state and ticks are stored under `Sensor.storageName` (`sensor:<name>`), a name
/// no schedule may take; its tick's `scheduledTime` is the time it was evaluated, and its run keys
/// are claimed under the same origin.
public protocol ScheduleStorage: Sendable {
    /// The stored state of the schedule `name`, or `nil` when it was never started, stopped or
    /// evaluated (its definition's default status then applies).
    func scheduleState(_ name: String) async throws -> ScheduleState?

    /// The stored state of every schedule that has one, by name.
    func scheduleStates() async throws -> [ScheduleState]

    /// Stores `state`, replacing the schedule's previous one.
    func setScheduleState(_ state: ScheduleState) async throws

    /// In one transaction, for each of `ticks` in order: creates each run whose run key the tick's
    /// origin has not used before, records the tick with the ids of the runs created (once per
    /// schedule and scheduled time: a tick recorded before is kept), moves the schedule's last
    /// tick up to the tick's time, and stores a sensor's new cursor. How a daemon stores a whole
    /// round of evaluations at once. Returns the runs each tick created; a run key is used at most
    /// once per origin, even with several processes, and a key used by an earlier tick of the
    /// batch is used.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run's id exists, storing nothing.
    @discardableResult
    func addRunsOnce(_ ticks: [TickRuns]) async throws -> [[Run]]

    /// The ticks of the schedule `name`, newest scheduled time first, at most `limit`, scheduled
    /// before `cursor` when given.
    func scheduleTicks(of name: String, before cursor: Date?, limit: Int) async throws -> [ScheduleTick]
}

extension ScheduleStorage {
    /// One tick's `addRunsOnce(_:)`: creates the runs whose run keys `origin` has not used,
    /// records `tick` and moves the schedule's last tick, in one transaction.
    @discardableResult
    public func addRunsOnce(_ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick) async throws
        -> [Run]
    {
        try await addRunsOnce([TickRuns(runs, origin: origin, tick: tick)])[0]
    }

    /// One sensor tick's `addRunsOnce(_:)`: as `addRunsOnce(_:origin:tick:)`, and stores `cursor`
    /// as the new cursor of the state named by the tick, so runs, tick and cursor are stored
    /// together or not at all.
    @discardableResult
    public func addRunsOnce(
        _ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick, cursor: String?
    ) async throws -> [Run] {
        try await addRunsOnce([TickRuns(runs, origin: origin, tick: tick, cursor: cursor)])[0]
    }
}
