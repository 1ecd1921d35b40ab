import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// Up to `limit` ended runs the policy lets go, oldest first (see `RetentionStorage`).
    public func prunableRuns(_ policy: RetentionPolicy, now: Date, limit: Int) async throws -> [PrunableRun] {
        let ended = [RunStatus.success, .failure, .canceled].map { "'\($0.rawValue)'" }.joined(separator: ", ")
        let endedBackfills = BackfillStatus.allCases.filter(\.isTerminal).map { "'\($0.rawValue)'" }
            .joined(separator: ", ")
        // The latest materializations, observations and check evaluations point at events; their
        // runs stay, and so do the runs of backfills in progress.
        let sql = """
            WITH ranked AS (
                SELECT id, seq, job_name, status, created_at,
                    ROW_NUMBER() OVER (PARTITION BY job_name ORDER BY seq DESC) AS newer
                FROM runs
            ), kept AS (
                SELECT run_id FROM asset_latest_materialization
                UNION SELECT run_id FROM asset_latest_observation
                UNION SELECT e.run_id FROM asset_check_latest AS c JOIN event_logs AS e ON e.id = c.event_id
                UNION SELECT e.run_id FROM asset_partition_latest_materialization AS p
                    JOIN event_logs AS e ON e.id = p.event_id
                UNION SELECT t.run_id FROM run_tags AS t JOIN backfills AS b ON b.id = t.value
                    WHERE t.key = ? AND b.status NOT IN (\(endedBackfills))
            )
            SELECT r.id, r.job_name, r.created_at, (SELECT count(*) FROM event_logs AS e WHERE e.run_id = r.id)
            FROM ranked AS r
            WHERE r.status IN (\(ended)) AND r.created_at < ? AND r.newer > ? AND r.id NOT IN (SELECT run_id FROM kept)
            ORDER BY r.seq LIMIT ?
            """
        let cutoff = policy.cutoff(now: now)?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude
        let arguments: StatementArguments = [Backfill.tag, cutoff, policy.keepRunsPerJob ?? 0, max(limit, 0)]
        return try await pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                PrunableRun(
                    id: RunID(row[0] as String), jobName: row[1], createdAt: Date(timeIntervalSince1970: row[2]),
                    eventCount: row[3])
            }
        }
    }

    /// Deletes at most `maxEvents` events of these runs, then the runs left without events.
    ///
    /// Foreign keys are not enforced in this transaction: SQLite would look for rows pointing at
    /// each deleted event in four tables, which makes a delete three times slower. None can point
    /// at these events: `prunableRuns` never lists a run holding a latest record, and an ended run
    /// gets no new event. What cascades from a run (tags, pool claims) is deleted here by hand.
    public func deleteRuns(_ ids: [RunID], maxEvents: Int) async throws -> (events: Int, runs: [RunID]) {
        guard !ids.isEmpty else { return (0, []) }
        let runIDs = String(decoding: try JSONEncoder().encode(ids.map(\.rawValue)), as: UTF8.self)
        return try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            var result: (events: Int, runs: [RunID]) = (0, [])
            try db.inTransaction(.immediate) {
                try db.execute(
                    sql: """
                        DELETE FROM event_logs WHERE id IN (
                            SELECT id FROM event_logs WHERE run_id IN (SELECT value FROM json_each(?))
                            ORDER BY id LIMIT ?)
                        """, arguments: [runIDs, max(maxEvents, 0)])
                let events = db.changesCount
                let emptied = try String.fetchAll(
                    db,
                    sql: """
                        DELETE FROM runs WHERE id IN (SELECT value FROM json_each(?))
                        AND NOT EXISTS (SELECT 1 FROM event_logs AS e WHERE e.run_id = runs.id) RETURNING id
                        """, arguments: [runIDs])
                let emptiedIDs = String(decoding: try JSONEncoder().encode(emptied), as: UTF8.self)
                for table in ["run_tags", "concurrency_claims", "run_heartbeats"] {
                    try db.execute(
                        sql: "DELETE FROM \(table) WHERE run_id IN (SELECT value FROM json_each(?))",
                        arguments: [emptiedIDs])
                }
                result = (events, emptied.map(RunID.init))
                return .commit
            }
            return result
        }
    }

    /// The ticks and automation evaluations before `cutoff`, each schedule's and asset's latest left out.
    public func countTicksAndEvaluations(before cutoff: Date) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT (SELECT count(*) FROM schedule_ticks AS t WHERE t.timestamp < ?1 AND t.scheduled_time <
                        (SELECT max(scheduled_time) FROM schedule_ticks WHERE schedule_name = t.schedule_name))
                    + (SELECT count(*) FROM automation_evaluations AS a WHERE a.timestamp < ?1 AND a.evaluation_id <
                        (SELECT max(evaluation_id) FROM automation_evaluations WHERE asset_key = a.asset_key))
                    """, arguments: [cutoff.timeIntervalSince1970]) ?? 0
        }
    }

    /// Deletes at most `limit` ticks and automation evaluations before `cutoff`, oldest first.
    public func deleteTicksAndEvaluations(before cutoff: Date, limit: Int) async throws -> Int {
        try await pool.write { db in
            try db.execute(
                sql: """
                    DELETE FROM schedule_ticks WHERE (schedule_name, scheduled_time) IN (
                        SELECT schedule_name, scheduled_time FROM schedule_ticks AS t
                        WHERE t.timestamp < ? AND t.scheduled_time <
                            (SELECT max(scheduled_time) FROM schedule_ticks WHERE schedule_name = t.schedule_name)
                        ORDER BY t.timestamp LIMIT ?)
                    """, arguments: [cutoff.timeIntervalSince1970, max(limit, 0)])
            let ticks = db.changesCount
            try db.execute(
                sql: """
                    DELETE FROM automation_evaluations WHERE (asset_key, evaluation_id) IN (
                        SELECT asset_key, evaluation_id FROM automation_evaluations AS a
                        WHERE a.timestamp < ? AND a.evaluation_id <
                            (SELECT max(evaluation_id) FROM automation_evaluations WHERE asset_key = a.asset_key)
                        ORDER BY a.timestamp LIMIT ?)
                    """, arguments: [cutoff.timeIntervalSince1970, max(limit - ticks, 0)])
            return ticks + db.changesCount
        }
    }

    /// Gives back up to `maxPages` free pages when the file was created with incremental vacuum
    /// (every file a Cairn with retention created); 0 for older files, which `vacuum()` converts.
    public func reclaimFreeSpace(maxPages: Int) async throws -> Int {
        try await pool.writeWithoutTransaction { db in
            guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 else { return 0 }
            let before = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            guard before > 0 else { return 0 }
            try db.execute(sql: "PRAGMA incremental_vacuum(\(max(maxPages, 0)))")
            return before - (try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0)
        }
    }

    /// Rewrites the whole file without its free pages, and with incremental vacuum from then on,
    /// so that later prunes give space back as they go. Writers wait while it runs: seconds for a
    /// file of gigabytes.
    public func vacuum() async throws {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute(sql: "VACUUM")
        }
    }

    /// Whether the file gives freed space back as prunes go (incremental vacuum).
    public func reclaimsSpaceIncrementally() async throws -> Bool {
        try await pool.read { db in try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 }
    }
}
