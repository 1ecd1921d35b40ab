import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// Stores `heartbeat` as the latest of its run, replacing the previous one.
    public func recordRunHeartbeat(_ heartbeat: RunHeartbeat) async throws {
        _ = try await rows(
            """
            INSERT INTO run_heartbeats (run_id, worker_pid, worker_host, timestamp)
            VALUES (\(heartbeat.runID.rawValue), \(heartbeat.worker.pid),
                \(heartbeat.worker.host), \(heartbeat.timestamp.timeIntervalSince1970))
            ON CONFLICT (run_id) DO UPDATE SET worker_pid = excluded.worker_pid,
                worker_host = excluded.worker_host, timestamp = excluded.timestamp
            """)
    }

    /// The latest heartbeat of each of the given runs that has one, in one query.
    public func runHeartbeats(of runIDs: [RunID]) async throws -> [RunID: RunHeartbeat] {
        guard !runIDs.isEmpty else { return [:] }
        var found: [RunID: RunHeartbeat] = [:]
        for row in try await rows(
            """
            SELECT run_id, worker_pid, worker_host, timestamp FROM run_heartbeats
            WHERE run_id = ANY(\(runIDs.map(\.rawValue))::text[])
            """)
        {
            let (id, pid, host, timestamp) = try row.decode((String, Int32, String, Double).self, context: .default)
            let heartbeat = RunHeartbeat(
                runID: RunID(id), worker: RunWorker(pid: pid, host: host),
                timestamp: Date(timeIntervalSince1970: timestamp))
            found[heartbeat.runID] = heartbeat
        }
        return found
    }

    /// Stores `heartbeat` as the latest of its daemon's service, replacing the previous one.
    public func recordDaemonHeartbeat(_ heartbeat: DaemonHeartbeat) async throws {
        _ = try await rows(
            """
            INSERT INTO daemon_heartbeats (daemon_id, service, host, pid, timestamp, error)
            VALUES (\(heartbeat.daemonID.rawValue), \(heartbeat.service), \(heartbeat.host),
                \(heartbeat.pid), \(heartbeat.timestamp.timeIntervalSince1970),
                \(heartbeat.error))
            ON CONFLICT (daemon_id, service) DO UPDATE SET host = excluded.host, pid = excluded.pid,
                timestamp = excluded.timestamp, error = excluded.error
            """)
    }

    /// The latest heartbeat of every service of every daemon, newest first.
    public func daemonHeartbeats() async throws -> [DaemonHeartbeat] {
        try await rows(
            """
            SELECT daemon_id, service, host, pid, timestamp, error FROM daemon_heartbeats
            ORDER BY timestamp DESC, daemon_id COLLATE "C", service COLLATE "C"
            """
        ).map { row in
            let (id, service, host, pid, timestamp, error) = try row.decode(
                (String, String, String, Int32, Double, String?).self, context: .default)
            return DaemonHeartbeat(
                daemonID: DaemonID(id), service: service, host: host, pid: pid,
                timestamp: Date(timeIntervalSince1970: timestamp), error: error)
        }
    }

    /// Removes the heartbeats of a daemon.
    public func removeDaemonHeartbeats(of daemonID: DaemonID) async throws {
        _ = try await rows("DELETE FROM daemon_heartbeats WHERE daemon_id = \(daemonID.rawValue)")
    }
}
