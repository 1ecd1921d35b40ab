import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// Up to `limit` ended runs the policy lets go, oldest first (see `RetentionStorage`).
    public func prunableRuns(_ policy: RetentionPolicy, now: Date, limit: Int) async throws -> [PrunableRun] {
        let cutoff = policy.cutoff(now: now)?.timeIntervalSince1970 ?? Double.greatestFiniteMagnitude
        let endedBackfills = BackfillStatus.allCases.filter(\.isTerminal).map(\.rawValue)
        // The latest materializations, observations and check evaluations point at events; their
        // runs stay, and so do the runs of backfills in progress.
        return try await rows(
            """
            WITH ranked AS (
                SELECT id, seq, job_name, status, created_at,
                    row_number() OVER (PARTITION BY job_name ORDER BY seq DESC) AS newer
                FROM runs
            ), kept AS (
                SELECT run_id FROM asset_latest_materialization
                UNION SELECT run_id FROM asset_latest_observation
                UNION SELECT e.run_id FROM asset_check_latest AS c JOIN event_logs AS e ON e.id = c.event_id
                UNION SELECT e.run_id FROM asset_partition_latest_materialization AS p
                    JOIN event_logs AS e ON e.id = p.event_id
                UNION SELECT t.run_id FROM run_tags AS t JOIN backfills AS b ON b.id = t.value
                    WHERE t.key = \(Backfill.tag) AND NOT b.status = ANY(\(endedBackfills)::text[])
            )
            SELECT r.id, r.job_name, r.created_at, (SELECT count(*) FROM event_logs AS e WHERE e.run_id = r.id)
            FROM ranked AS r
            WHERE r.status = ANY(\(Self.endedStatuses)::text[]) AND r.created_at < \(cutoff)
                AND r.newer > \(policy.keepRunsPerJob ?? 0) AND r.id NOT IN (SELECT run_id FROM kept)
            ORDER BY r.seq LIMIT \(max(limit, 0))
            """
        ).map { row in
            let (id, job, created, events) = try row.decode((String, String, Double, Int64).self, context: .default)
            return PrunableRun(
                id: RunID(id), jobName: job, createdAt: Date(timeIntervalSince1970: created), eventCount: Int(events))
        }
    }

    /// Deletes at most `maxEvents` events of these runs, then the runs left without events, with
    /// their tags, pool claims (which cascade) and heartbeats, in one transaction.
    public func deleteRuns(_ ids: [RunID], maxEvents: Int) async throws -> (events: Int, runs: [RunID]) {
        guard !ids.isEmpty else { return (0, []) }
        let runIDs = ids.map(\.rawValue)
        return try await transaction { connection in
            let events = try await connection.query(
                """
                DELETE FROM event_logs WHERE id IN (
                    SELECT id FROM event_logs WHERE run_id = ANY(\(runIDs)::text[]) ORDER BY id LIMIT \(max(maxEvents, 0)))
                RETURNING 1
                """, logger: Self.logger
            ).collect().count
            let emptied = try await connection.query(
                """
                DELETE FROM runs WHERE id = ANY(\(runIDs)::text[])
                AND NOT EXISTS (SELECT 1 FROM event_logs AS e WHERE e.run_id = runs.id) RETURNING id
                """, logger: Self.logger
            ).collect().map { try $0.decode(String.self) }
            try await connection.query(
                "DELETE FROM run_heartbeats WHERE run_id = ANY(\(emptied)::text[])", logger: Self.logger)
            return (events, emptied.map(RunID.init))
        }
    }

    /// The ticks and automation evaluations before `cutoff`, each schedule's and asset's latest left out.
    public func countTicksAndEvaluations(before cutoff: Date) async throws -> Int {
        let cutoff = cutoff.timeIntervalSince1970
        let count = try await rows(
            """
            SELECT (SELECT count(*) FROM schedule_ticks AS t WHERE t.timestamp < \(cutoff) AND t.scheduled_time <
                (SELECT max(scheduled_time) FROM schedule_ticks WHERE schedule_name = t.schedule_name))
            + (SELECT count(*) FROM automation_evaluations AS a WHERE a.timestamp < \(cutoff) AND a.evaluation_id <
                (SELECT max(evaluation_id) FROM automation_evaluations WHERE asset_key = a.asset_key))
            """
        ).first?.decode(Int64.self)
        return Int(count ?? 0)
    }

    /// Deletes at most `limit` ticks and automation evaluations before `cutoff`, oldest first.
    public func deleteTicksAndEvaluations(before cutoff: Date, limit: Int) async throws -> Int {
        let cutoff = cutoff.timeIntervalSince1970
        return try await transaction { connection in
            let ticks = try await connection.query(
                """
                DELETE FROM schedule_ticks WHERE (schedule_name, scheduled_time) IN (
                    SELECT schedule_name, scheduled_time FROM schedule_ticks AS t
                    WHERE t.timestamp < \(cutoff) AND t.scheduled_time <
                        (SELECT max(scheduled_time) FROM schedule_ticks WHERE schedule_name = t.schedule_name)
                    ORDER BY t.timestamp LIMIT \(max(limit, 0)))
                RETURNING 1
                """, logger: Self.logger
            ).collect().count
            let evaluations = try await connection.query(
                """
                DELETE FROM automation_evaluations WHERE (asset_key, evaluation_id) IN (
                    SELECT asset_key, evaluation_id FROM automation_evaluations AS a
                    WHERE a.timestamp < \(cutoff) AND a.evaluation_id <
                        (SELECT max(evaluation_id) FROM automation_evaluations WHERE asset_key = a.asset_key)
                    ORDER BY a.timestamp LIMIT \(max(limit - ticks, 0)))
                RETURNING 1
                """, logger: Self.logger
            ).collect().count
            return ticks + evaluations
        }
    }

    /// 0: PostgreSQL's autovacuum makes the space of deleted rows reusable by itself, and gives
    /// it back to the file system only with `VACUUM FULL`, which an operator runs.
    public func reclaimFreeSpace(maxPages: Int) async throws -> Int { 0 }
}
