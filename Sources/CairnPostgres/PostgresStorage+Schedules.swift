import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// The stored state of the schedule `name`, or `nil`.
    public func scheduleState(_ name: String) async throws -> ScheduleState? {
        try await rows("SELECT name, status, last_tick, cursor FROM schedule_states WHERE name = \(name)")
            .first.map(decodeScheduleState)
    }

    /// The stored state of every schedule that has one, by name.
    public func scheduleStates() async throws -> [ScheduleState] {
        try await rows("SELECT name, status, last_tick, cursor FROM schedule_states ORDER BY name")
            .map(decodeScheduleState)
    }

    /// Stores `state`, replacing the schedule's previous one.
    public func setScheduleState(_ state: ScheduleState) async throws {
        _ = try await rows(
            """
            INSERT INTO schedule_states (name, status, last_tick, cursor)
            VALUES (\(state.name), \(state.status.rawValue), \(state.lastTick?.timeIntervalSince1970), \(state.cursor))
            ON CONFLICT (name) DO UPDATE SET status = excluded.status, last_tick = excluded.last_tick,
                cursor = excluded.cursor
            """)
    }

    /// Stores every tick of `ticks` with the runs whose keys are new, in one transaction.
    ///
    /// A run key is claimed by inserting it: of two daemons claiming one key at once, the second
    /// waits on the first's row until it commits, then inserts nothing, so a key creates one run.
    @discardableResult
    public func addRunsOnce(_ ticks: [TickRuns]) async throws -> [[Run]] {
        let encoder = StoredJSON.makeEncoder()
        let rows = try ticks.map { entry in
            try entry.runs.map { (row: try EncodedRun($0.run, encoder: encoder), runKey: $0.runKey) }
        }
        return try await transaction { connection in
            var createdPerTick: [[Run]] = []
            for (entry, entryRows) in zip(ticks, rows) {
                var created: [EncodedRun] = []
                if !entryRows.isEmpty {
                    let claimed = try await connection.query(
                        """
                        INSERT INTO run_keys (origin, run_key, run_id)
                        SELECT \(entry.origin), k, r
                        FROM unnest(\(entryRows.map(\.runKey))::text[], \(entryRows.map(\.row.run.id.rawValue))::text[])
                            WITH ORDINALITY AS t(k, r, n)
                        ORDER BY n
                        ON CONFLICT DO NOTHING RETURNING run_id
                        """, logger: Self.logger
                    ).collect()
                    let claimedIDs = Set(try claimed.map { try $0.decode(String.self) })
                    created = entryRows.map(\.row).filter { claimedIDs.contains($0.run.id.rawValue) }
                }
                try await self.insert(created, on: connection)
                let recorded = entry.tick.recording(created.map(\.run))
                try await connection.query(
                    """
                    INSERT INTO schedule_ticks (schedule_name, scheduled_time, status, run_ids, message, timestamp)
                    VALUES (\(recorded.scheduleName), \(recorded.scheduledTime.timeIntervalSince1970),
                        \(recorded.status.rawValue), \(try StoredJSON.text(recorded.runIDs, encoder: encoder)),
                        \(recorded.message), \(recorded.timestamp.timeIntervalSince1970))
                    ON CONFLICT DO NOTHING
                    """, logger: Self.logger)
                let time = entry.tick.scheduledTime.timeIntervalSince1970
                try await connection.query(
                    """
                    UPDATE schedule_states SET last_tick = \(time)
                    WHERE name = \(entry.tick.scheduleName) AND (last_tick IS NULL OR last_tick < \(time))
                    """, logger: Self.logger)
                if entry.storesCursor {
                    try await connection.query(
                        "UPDATE schedule_states SET cursor = \(entry.cursor) WHERE name = \(entry.tick.scheduleName)",
                        logger: Self.logger)
                }
                createdPerTick.append(created.map(\.run))
            }
            return createdPerTick
        }
    }

    /// The ticks of the schedule `name`, newest first, before `cursor`, at most `limit`.
    public func scheduleTicks(of name: String, before cursor: Date?, limit: Int) async throws -> [ScheduleTick] {
        try await rows(
            """
            SELECT schedule_name, scheduled_time, status, run_ids, message, timestamp FROM schedule_ticks
            WHERE schedule_name = \(name) AND scheduled_time < \(cursor?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude)
            ORDER BY scheduled_time DESC LIMIT \(max(limit, 0))
            """
        ).map(decodeScheduleTick)
    }

    /// A schedule state from a row of its columns.
    private func decodeScheduleState(_ row: PostgresRow) throws -> ScheduleState {
        let (name, statusName, lastTick, cursor) = try row.decode(
            (String, String, Double?, String?).self, context: .default)
        guard let status = ScheduleStatus(rawValue: statusName) else {
            throw unreadable("schedule '\(name)' has status '\(statusName)', unknown to this version of Cairn")
        }
        return ScheduleState(
            name: name, status: status, lastTick: lastTick.map(Date.init(timeIntervalSince1970:)), cursor: cursor)
    }

    /// A tick from a row of the columns of `schedule_ticks`.
    private func decodeScheduleTick(_ row: PostgresRow) throws -> ScheduleTick {
        let (name, scheduled, statusName, runIDs, message, timestamp) = try row.decode(
            (String, Double, String, String, String?, Double).self, context: .default)
        guard let status = ScheduleTick.Status(rawValue: statusName) else {
            throw unreadable(
                "a tick of schedule '\(name)' has status '\(statusName)', unknown to this version of Cairn")
        }
        return ScheduleTick(
            scheduleName: name, scheduledTime: Date(timeIntervalSince1970: scheduled), status: status,
            runIDs: try decode([RunID].self, from: runIDs, "the runs of a tick of schedule '\(name)'"),
            message: message, timestamp: Date(timeIntervalSince1970: timestamp))
    }
}
