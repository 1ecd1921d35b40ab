import Foundation

extension ScheduleStorage {
    /// Starts or stops the schedule or sensor stored as `name`, keeping its cursor. A schedule
    /// started with `restartingTicksAt` has its next tick after that time, not the ticks it missed
    /// while stopped.
    ///
    /// - Parameter defaultStatus: the status of the definition when none is stored.
    /// - Returns: whether the status changed; `false` when it already was `status`.
    @discardableResult
    public func setStatus(
        _ status: ScheduleStatus, of name: String, default defaultStatus: ScheduleStatus, restartingTicksAt: Date?
    ) async throws -> Bool {
        let state = try await scheduleState(name)
        guard (state?.status ?? defaultStatus) != status else { return false }
        let lastTick = status == .running ? restartingTicksAt ?? state?.lastTick : state?.lastTick
        try await setScheduleState(ScheduleState(name: name, status: status, lastTick: lastTick, cursor: state?.cursor))
        return true
    }
}
