import Foundation

/// Storage of schedules' state (started or stopped, last tick evaluated) and tick history, and
/// the run keys that keep a tick from creating a run twice.
public protocol ScheduleStorage: Sendable {
    /// The stored state of the schedule `name`, or `nil` when it was never started, stopped or
    /// evaluated (its definition's default status then applies).
    func scheduleState(_ name: String) async throws -> ScheduleState?

    /// The stored state of every schedule that has one, by name.
    func scheduleStates() async throws -> [ScheduleState]

    /// Stores `state`, replacing the schedule's previous one.
    func setScheduleState(_ state: ScheduleState) async throws

    /// In one transaction: creates each run whose run key `origin` has not used before, records
    /// `tick` with the ids of the runs created (once per schedule and scheduled time: a tick
    /// recorded before is kept), and moves the schedule's last tick up to the tick's time. Returns
    /// the runs created; a run key is used at most once per origin, even with several processes.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run's id exists, storing nothing.
    @discardableResult
    func addRunsOnce(_ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick) async throws -> [Run]

    /// In one transaction, each of `ticks` in order as `addRunsOnce(_:origin:tick:)` (and, for a
    /// sensor's, its cursor as `SensorStorage.addRunsOnce(_:origin:tick:cursor:)`): how a daemon
    /// stores a whole round of evaluations at once. Returns the runs each tick created; a run key
    /// used by an earlier tick of the batch is used.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run's id exists, storing nothing.
    @discardableResult
    func addRunsOnce(_ ticks: [TickRuns]) async throws -> [[Run]]

    /// The ticks of the schedule `name`, newest scheduled time first, at most `limit`, scheduled
    /// before `cursor` when given.
    func scheduleTicks(of name: String, before cursor: Date?, limit: Int) async throws -> [ScheduleTick]
}
