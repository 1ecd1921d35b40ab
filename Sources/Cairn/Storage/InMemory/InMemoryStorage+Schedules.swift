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

    /// Stores every tick of `ticks` with its new runs, at once; nothing when a run's id exists.
    @discardableResult
    public func addRunsOnce(_ ticks: [TickRuns]) async throws -> [[Run]] {
        try state.withLock { state in
            // Decide every tick's runs first, so a duplicate id stores nothing.
            var usedKeys: [String: Set<String>] = [:]
            var ids: Set<RunID> = []
            var createdPerTick: [[Run]] = []
            for entry in ticks {
                var keys = usedKeys[entry.origin] ?? state.runKeys[entry.origin, default: []]
                var created: [Run] = []
                for (run, runKey) in entry.runs where !keys.contains(runKey) {
                    guard state.runs[run.id] == nil, ids.insert(run.id).inserted else {
                        throw StorageError.duplicateRun(run.id)
                    }
                    keys.insert(runKey)
                    created.append(run)
                }
                usedKeys[entry.origin] = keys
                createdPerTick.append(created)
            }
            for (entry, created) in zip(ticks, createdPerTick) {
                for run in created {
                    try state.add(run)
                }
                state.record(entry, created: created)
            }
            state.runKeys.merge(usedKeys) { _, new in new }
            return createdPerTick
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

extension InMemoryStorage.State {
    /// Records a tick once per schedule and time, moves its schedule's last tick up to the
    /// tick's time, and stores its cursor when it carries one.
    mutating func record(_ entry: TickRuns, created: [Run]) {
        let tick = entry.tick
        var ticks = scheduleTicks[tick.scheduleName, default: [:]]
        if ticks[tick.scheduledTime] == nil {
            ticks[tick.scheduledTime] = tick.recording(created)
        }
        scheduleTicks[tick.scheduleName] = ticks
        guard var schedule = scheduleStates[tick.scheduleName] else { return }
        if schedule.lastTick.map({ $0 < tick.scheduledTime }) ?? true {
            schedule.lastTick = tick.scheduledTime
        }
        if entry.storesCursor { schedule.cursor = entry.cursor }
        scheduleStates[tick.scheduleName] = schedule
    }
}
