import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// Stores `heartbeat` as the latest of its run, replacing the previous one.
    public func recordRunHeartbeat(_ heartbeat: RunHeartbeat) async throws {
        try await pool.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO run_heartbeats (run_id, worker_pid, worker_host, timestamp) VALUES (?, ?, ?, ?)
                    ON CONFLICT (run_id) DO UPDATE SET worker_pid = excluded.worker_pid,
                        worker_host = excluded.worker_host, timestamp = excluded.timestamp
                    """
            ).execute(arguments: [
                heartbeat.runID.rawValue, heartbeat.worker.pid, heartbeat.worker.host,
                heartbeat.timestamp.timeIntervalSince1970,
            ])
        }
    }

    /// The latest heartbeat of each of the given runs that has one.
    ///
    /// The ids travel as one JSON array, so any number of them fits in one query.
    public func runHeartbeats(of runIDs: [RunID]) async throws -> [RunID: RunHeartbeat] {
        guard !runIDs.isEmpty else { return [:] }
        let idList = try json(runIDs)
        return try await pool.read { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT h.run_id, h.worker_pid, h.worker_host, h.timestamp FROM json_each(?) AS r
                        JOIN run_heartbeats AS h ON h.run_id = r.value
                        """),
                arguments: [idList])
            var found: [RunID: RunHeartbeat] = [:]
            while let row = try rows.next() {
                let heartbeat = RunHeartbeat(
                    runID: RunID(row[0] as String), worker: RunWorker(pid: row[1], host: row[2]),
                    timestamp: Date(timeIntervalSince1970: row[3]))
                found[heartbeat.runID] = heartbeat
            }
            return found
        }
    }

    /// Stores `heartbeat` as the latest of its daemon's service, replacing the previous one.
    public func recordDaemonHeartbeat(_ heartbeat: DaemonHeartbeat) async throws {
        try await pool.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO daemon_heartbeats (daemon_id, service, host, pid, timestamp, error)
                    VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (daemon_id, service) DO UPDATE SET host = excluded.host, pid = excluded.pid,
                        timestamp = excluded.timestamp, error = excluded.error
                    """
            ).execute(arguments: [
                heartbeat.daemonID.rawValue, heartbeat.service, heartbeat.host, heartbeat.pid,
                heartbeat.timestamp.timeIntervalSince1970, heartbeat.error,
            ])
        }
    }

    /// The latest heartbeat of every service of every daemon, newest first.
    public func daemonHeartbeats() async throws -> [DaemonHeartbeat] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT daemon_id, service, host, pid, timestamp, error FROM daemon_heartbeats
                        ORDER BY timestamp DESC, daemon_id, service
                        """)
            ).map { row in
                DaemonHeartbeat(
                    daemonID: DaemonID(row[0] as String), service: row[1], host: row[2], pid: row[3],
                    timestamp: Date(timeIntervalSince1970: row[4]), error: row[5])
            }
        }
    }

    /// Removes the heartbeats of a daemon.
    public func removeDaemonHeartbeats(of daemonID: DaemonID) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: "DELETE FROM daemon_heartbeats WHERE daemon_id = ?")
                .execute(arguments: [daemonID.rawValue])
        }
    }
}
