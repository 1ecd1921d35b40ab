import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// Sets the limit of `pool`.
    public func setPoolLimit(_ limit: Int, for pool: String) async throws {
        try ConcurrencyPool.validate(limit: limit, for: pool)
        _ = try await rows(
            """
            INSERT INTO concurrency_pools (name, slot_limit) VALUES (\(pool), \(Int32(clamping: limit)))
            ON CONFLICT (name) DO UPDATE SET slot_limit = excluded.slot_limit
            """)
    }

    /// Removes the limit of `pool`; returns whether it had one.
    @discardableResult
    public func deletePoolLimit(_ pool: String) async throws -> Bool {
        try await !rows("DELETE FROM concurrency_pools WHERE name = \(pool) RETURNING 1").isEmpty
    }

    /// The limit of pools that have none of their own.
    public func defaultPoolLimit() async throws -> Int? {
        try await rows("SELECT slot_limit FROM concurrency_default_limit").first
            .map { Int(try $0.decode(Int32.self)) }
    }

    /// Sets the limit of pools that have none of their own.
    public func setDefaultPoolLimit(_ limit: Int?) async throws {
        guard let limit else {
            _ = try await rows("DELETE FROM concurrency_default_limit")
            return
        }
        try ConcurrencyPool.validate(limit: limit, for: nil)
        _ = try await rows(
            """
            INSERT INTO concurrency_default_limit (id, slot_limit) VALUES (1, \(Int32(clamping: limit)))
            ON CONFLICT (id) DO UPDATE SET slot_limit = excluded.slot_limit
            """)
    }

    /// Every pool with a limit or a claim of a run that has not ended, by name.
    public func concurrencyPools() async throws -> [ConcurrencyPool] {
        let (limits, claims) = try await transaction { connection in
            let limits = try await connection.query(
                "SELECT name, slot_limit FROM concurrency_pools", logger: Self.logger
            ).collect().map { try $0.decode((String, Int32).self, context: .default) }
            let claims = try await connection.query(
                """
                SELECT c.pool, c.run_id, c.step_key, c.claimed_at FROM concurrency_claims AS c
                JOIN runs AS r ON r.id = c.run_id
                WHERE NOT r.status = ANY(\(Self.endedStatuses)::text[])
                ORDER BY c.claimed_at, c.run_id COLLATE "C", c.step_key COLLATE "C"
                """, logger: Self.logger
            ).collect().map { try $0.decode((String, String, String, Double).self, context: .default) }
            return (limits, claims)
        }
        var pools: [String: ConcurrencyPool] = [:]
        for (name, limit) in limits { pools[name] = ConcurrencyPool(name: name, limit: Int(limit)) }
        for (name, runID, stepKey, claimedAt) in claims {
            let claim = PoolClaim(
                runID: RunID(runID), stepKey: stepKey, claimedAt: Date(timeIntervalSince1970: claimedAt))
            pools[name, default: ConcurrencyPool(name: name, limit: nil)].claims.append(claim)
        }
        return pools.values.sorted { $0.name < $1.name }
    }

    /// Claims a slot of `pool` for a step in one transaction holding the pool's advisory lock, so
    /// that claims of one pool from any process are counted one after the other: first removes
    /// the pool's claims of ended runs, then counts the rest against the limit. The run's row is
    /// share-locked, so it cannot end between the check and the commit.
    public func claimPoolSlot(_ pool: String, runID: RunID, stepKey: String, at time: Date) async throws
        -> PoolSlotClaim
    {
        try await transaction { connection in
            guard
                let raw = try await connection.query(
                    "SELECT status FROM runs WHERE id = \(runID.rawValue) FOR SHARE", logger: Self.logger
                ).collect().first?.decode(String.self)
            else { throw StorageError.unknownRun(runID) }
            // Fencing: a run that has ended computes nothing more.
            if let status = RunStatus(rawValue: raw), status.isTerminal { throw StorageError.runEnded(runID, status) }
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('cairn-pool:' || \(pool)))", logger: Self.logger)
            try await connection.query(
                """
                DELETE FROM concurrency_claims WHERE pool = \(pool) AND run_id IN (
                    SELECT id FROM runs WHERE status = ANY(\(Self.endedStatuses)::text[]))
                """, logger: Self.logger)
            let held = try await connection.query(
                """
                SELECT 1 FROM concurrency_claims
                WHERE pool = \(pool) AND run_id = \(runID.rawValue) AND step_key = \(stepKey)
                """, logger: Self.logger
            ).collect()
            if !held.isEmpty { return .claimed }
            let row = try await connection.query(
                """
                SELECT coalesce(
                    (SELECT slot_limit FROM concurrency_pools WHERE name = \(pool)),
                    (SELECT slot_limit FROM concurrency_default_limit)),
                    (SELECT count(*) FROM concurrency_claims WHERE pool = \(pool))
                """, logger: Self.logger
            ).collect().first
            if let (limit, inUse) = try row?.decode((Int32?, Int64).self, context: .default), let limit,
                inUse >= limit
            {
                return .full(limit: Int(limit), inUse: Int(inUse))
            }
            try await connection.query(
                """
                INSERT INTO concurrency_claims (pool, run_id, step_key, claimed_at)
                VALUES (\(pool), \(runID.rawValue), \(stepKey), \(time.timeIntervalSince1970))
                """, logger: Self.logger)
            return .claimed
        }
    }

    /// Releases the slot of `pool` the step holds.
    public func releasePoolSlot(_ pool: String, runID: RunID, stepKey: String) async throws {
        _ = try await rows(
            """
            DELETE FROM concurrency_claims
            WHERE pool = \(pool) AND run_id = \(runID.rawValue) AND step_key = \(stepKey)
            """)
    }

    /// The statuses of ended runs.
    static var endedStatuses: [String] { RunStatus.allCases.filter(\.isTerminal).map(\.rawValue) }
}
