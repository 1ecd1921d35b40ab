import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// The stored state of the schedule `name`, or `nil`.
    public func scheduleState(_ name: String) async throws -> ScheduleState? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.scheduleStateColumns) FROM schedule_states WHERE name = ?"),
                arguments: [name]
            ).map(self.decodeScheduleState)
        }
    }

    /// The stored state of every schedule that has one, by name.
    public func scheduleStates() async throws -> [ScheduleState] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT \(Self.scheduleStateColumns) FROM schedule_states ORDER BY name")
            ).map(self.decodeScheduleState)
        }
    }

    /// Stores `state`, replacing the schedule's previous one.
    public func setScheduleState(_ state: ScheduleState) async throws {
        try await pool.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO schedule_states (\(Self.scheduleStateColumns)) VALUES (?, ?, ?, ?)
                    ON CONFLICT (name) DO UPDATE SET status = excluded.status, last_tick = excluded.last_tick,
                        cursor = excluded.cursor
                    """
            ).execute(arguments: [
                state.name, state.status.rawValue, state.lastTick?.timeIntervalSince1970, state.cursor,
            ])
        }
    }

    /// Stores every tick of `ticks` with the runs whose keys are new, in one write transaction.
    @discardableResult
    public func addRunsOnce(_ ticks: [TickRuns]) async throws -> [[Run]] {
        let encoder = StoredJSON.makeEncoder()
        let rows = try ticks.map { entry in
            try entry.runs.map { (row: try EncodedRun($0.run, encoder: encoder), runKey: $0.runKey) }
        }
        return try await pool.write { db in
            let claim = try db.cachedStatement(
                sql: "INSERT INTO run_keys (origin, run_key, run_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            let recordTick = try db.cachedStatement(
                sql: """
                    INSERT INTO schedule_ticks (schedule_name, scheduled_time, status, run_ids, message, timestamp)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                    """)
            let moveLastTick = try db.cachedStatement(
                sql: """
                    UPDATE schedule_states SET last_tick = ?1
                    WHERE name = ?2 AND (last_tick IS NULL OR last_tick < ?1)
                    """)
            let storeCursor = try db.cachedStatement(sql: "UPDATE schedule_states SET cursor = ? WHERE name = ?")
            var createdPerTick: [[Run]] = []
            for (entry, entryRows) in zip(ticks, rows) {
                var created: [EncodedRun] = []
                for (row, runKey) in entryRows {
                    try claim.execute(arguments: [entry.origin, runKey, row.run.id.rawValue])
                    if db.changesCount > 0 { created.append(row) }
                }
                try self.insert(created, db)
                let recorded = entry.tick.recording(created.map(\.run))
                try recordTick.execute(arguments: [
                    recorded.scheduleName, recorded.scheduledTime.timeIntervalSince1970, recorded.status.rawValue,
                    String(decoding: try encoder.encode(recorded.runIDs), as: UTF8.self), recorded.message,
                    recorded.timestamp.timeIntervalSince1970,
                ])
                try moveLastTick.execute(arguments: [
                    entry.tick.scheduledTime.timeIntervalSince1970, entry.tick.scheduleName,
                ])
                if entry.storesCursor {
                    try storeCursor.execute(arguments: [entry.cursor, entry.tick.scheduleName])
                }
                createdPerTick.append(created.map(\.run))
            }
            return createdPerTick
        }
    }

    /// The ticks of the schedule `name`, newest first, before `cursor`, at most `limit`.
    public func scheduleTicks(of name: String, before cursor: Date?, limit: Int) async throws -> [ScheduleTick] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT schedule_name, scheduled_time, status, run_ids, message, timestamp FROM schedule_ticks
                        WHERE schedule_name = ? AND scheduled_time < ? ORDER BY scheduled_time DESC LIMIT ?
                        """),
                arguments: [name, cursor?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude, max(limit, 0)]
            ).map(self.decodeScheduleTick)
        }
    }

    /// The columns `decodeScheduleState` reads, in order.
    private static let scheduleStateColumns = "name, status, last_tick, cursor"

    /// A schedule state from a row of `scheduleStateColumns`.
    private func decodeScheduleState(_ row: Row) throws -> ScheduleState {
        let name: String = row[0]
        let statusName: String = row[1]
        guard let status = ScheduleStatus(rawValue: statusName) else {
            throw unreadable("schedule '\(name)' has status '\(statusName)', unknown to this version of Cairn")
        }
        return ScheduleState(
            name: name, status: status, lastTick: (row[2] as Double?).map(Date.init(timeIntervalSince1970:)),
            cursor: row[3])
    }

    /// A tick from a row of the columns of `schedule_ticks`.
    private func decodeScheduleTick(_ row: Row) throws -> ScheduleTick {
        let name: String = row[0]
        let statusName: String = row[2]
        guard let status = ScheduleTick.Status(rawValue: statusName) else {
            throw unreadable(
                "a tick of schedule '\(name)' has status '\(statusName)', unknown to this version of Cairn")
        }
        return ScheduleTick(
            scheduleName: name, scheduledTime: Date(timeIntervalSince1970: row[1]), status: status,
            runIDs: try decode([RunID].self, from: row[3], "the runs of a tick of schedule '\(name)'"),
            message: row[4], timestamp: Date(timeIntervalSince1970: row[5]))
    }
}
