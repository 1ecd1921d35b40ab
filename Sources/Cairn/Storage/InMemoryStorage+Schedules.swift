import Foundation

extension InMemoryStorage {
    /// The stored state of the schedule `name`, or `nil`.
    public func scheduleState(_ name: String) async throws -> ScheduleState? {
        state.withLock { $0.scheduleStates[name] }
    }

    /// The stored state of every schedule that has one, by name.
    public func scheduleStates() async throws -> [ScheduleState] {
        state.withLock { $0.scheduleStates.values.sorted { $0.name < $1.name } }
    }

    /// Stores `state`, replacing the schedule's previous one.
    public func setScheduleState(_ state: ScheduleState) async throws {
        self.state.withLock { $0.scheduleStates[state.name] = state }
    }

    /// Creates the runs whose keys are new, records the tick and moves the last tick, at once.
    @discardableResult
    public func addRunsOnce(_ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick) async throws
        -> [Run]
    {
        try addRunsOnce(runs, origin: origin, tick: tick, newCursor: nil)
    }

    /// Creates the runs whose keys are new, records the tick, moves the last tick and stores the
    /// new cursor, at once.
    @discardableResult
    public func addRunsOnce(
        _ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick, cursor: String?
    ) async throws -> [Run] {
        try addRunsOnce(runs, origin: origin, tick: tick, newCursor: .some(cursor))
    }

    /// Both `addRunsOnce`: `newCursor` is `nil` to keep the stored cursor.
    private func addRunsOnce(
        _ runs: [(run: Run, runKey: String)], origin: String, tick: ScheduleTick, newCursor: String??
    ) throws -> [Run] {
        try state.withLock { state in
            var keys = state.runKeys[origin, default: []]
            var created: [Run] = []
            var ids: Set<RunID> = []
            for (run, runKey) in runs where !keys.contains(runKey) {
                guard state.runs[run.id] == nil, ids.insert(run.id).inserted else {
                    throw StorageError.duplicateRun(run.id)
                }
                keys.insert(runKey)
                created.append(run)
            }
            for run in created {
                try state.add(run)
            }
            state.runKeys[origin] = keys
            var ticks = state.scheduleTicks[tick.scheduleName, default: [:]]
            if ticks[tick.scheduledTime] == nil {
                ticks[tick.scheduledTime] = tick.recording(created)
            }
            state.scheduleTicks[tick.scheduleName] = ticks
            if var schedule = state.scheduleStates[tick.scheduleName],
                schedule.lastTick.map({ $0 < tick.scheduledTime }) ?? true
            {
                schedule.lastTick = tick.scheduledTime
                state.scheduleStates[tick.scheduleName] = schedule
            }
            if let newCursor, var schedule = state.scheduleStates[tick.scheduleName] {
                schedule.cursor = newCursor
                state.scheduleStates[tick.scheduleName] = schedule
            }
            return created
        }
    }

    /// The ticks of the schedule `name`, newest first, before `cursor`, at most `limit`.
    public func scheduleTicks(of name: String, before cursor: Date?, limit: Int) async throws -> [ScheduleTick] {
        state.withLock { state in
            Array(
                (state.scheduleTicks[name] ?? [:]).values.filter { tick in
                    cursor.map { tick.scheduledTime < $0 } ?? true
                }
                .sorted { $0.scheduledTime > $1.scheduledTime }.prefix(max(limit, 0)))
        }
    }
}
