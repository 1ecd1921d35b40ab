import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// Sets the limit of `pool`.
    public func setPoolLimit(_ limit: Int, for pool: String) async throws {
        try ConcurrencyPool.validate(limit: limit, for: pool)
        try await self.pool.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO concurrency_pools (name, slot_limit) VALUES (?, ?)
                    ON CONFLICT (name) DO UPDATE SET slot_limit = excluded.slot_limit
                    """
            ).execute(arguments: [pool, limit])
        }
    }

    /// Removes the limit of `pool`; returns whether it had one.
    @discardableResult
    public func deletePoolLimit(_ pool: String) async throws -> Bool {
        try await self.pool.write { db in
            try db.cachedStatement(sql: "DELETE FROM concurrency_pools WHERE name = ?").execute(arguments: [pool])
            return db.changesCount > 0
        }
    }

    /// The limit of pools that have none of their own.
    public func defaultPoolLimit() async throws -> Int? {
        try await self.pool.read { db in
            try Int.fetchOne(db.cachedStatement(sql: "SELECT slot_limit FROM concurrency_default_limit"))
        }
    }

    /// Sets the limit of pools that have none of their own.
    public func setDefaultPoolLimit(_ limit: Int?) async throws {
        if let limit { try ConcurrencyPool.validate(limit: limit, for: nil) }
        try await self.pool.write { db in
            if let limit {
                try db.cachedStatement(
                    sql: """
                        INSERT INTO concurrency_default_limit (id, slot_limit) VALUES (1, ?)
                        ON CONFLICT (id) DO UPDATE SET slot_limit = excluded.slot_limit
                        """
                ).execute(arguments: [limit])
            } else {
                try db.cachedStatement(sql: "DELETE FROM concurrency_default_limit").execute()
            }
        }
    }

    /// Every pool with a limit or a claim of a run that has not ended, by name.
    public func concurrencyPools() async throws -> [ConcurrencyPool] {
        try await self.pool.read { db in
            var pools: [String: ConcurrencyPool] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT name, slot_limit FROM concurrency_pools")) {
                let name: String = row[0]
                pools[name] = ConcurrencyPool(name: name, limit: row[1])
            }
            let claims = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT c.pool, c.run_id, c.step_key, c.claimed_at FROM concurrency_claims c
                        JOIN runs r ON r.id = c.run_id
                        WHERE r.status NOT IN \(Self.endedStatuses)
                        ORDER BY c.pool, c.claimed_at, c.run_id, c.step_key
                        """))
            for row in claims {
                let name: String = row[0]
                let claim = PoolClaim(
                    runID: RunID(row[1] as String), stepKey: row[2],
                    claimedAt: Date(timeIntervalSince1970: row[3]))
                pools[name, default: ConcurrencyPool(name: name, limit: nil)].claims.append(claim)
            }
            return pools.values.sorted { $0.name < $1.name }
        }
    }

    /// Claims a slot of `pool` for a step in one write transaction, which no other connection or
    /// process can interleave with: first removes the pool's claims of ended runs, then counts
    /// the rest against the limit.
    public func claimPoolSlot(_ pool: String, runID: RunID, stepKey: String, at time: Date) async throws
        -> PoolSlotClaim
    {
        try await self.pool.write { db in
            guard
                let raw = try String.fetchOne(
                    db.cachedStatement(sql: "SELECT status FROM runs WHERE id = ?"), arguments: [runID.rawValue])
            else { throw StorageError.unknownRun(runID) }
            // Fencing: a run that has ended computes nothing more.
            if let status = RunStatus(rawValue: raw), status.isTerminal { throw StorageError.runEnded(runID, status) }
            try db.cachedStatement(
                sql: """
                    DELETE FROM concurrency_claims WHERE pool = ? AND run_id IN (
                        SELECT id FROM runs WHERE status IN \(Self.endedStatuses))
                    """
            ).execute(arguments: [pool])
            let held = try Bool.fetchOne(
                db.cachedStatement(
                    sql: "SELECT 1 FROM concurrency_claims WHERE pool = ? AND run_id = ? AND step_key = ?"),
                arguments: [pool, runID.rawValue, stepKey])
            if held != nil { return .claimed }
            let limit = try Int.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT COALESCE(
                            (SELECT slot_limit FROM concurrency_pools WHERE name = ?),
                            (SELECT slot_limit FROM concurrency_default_limit))
                        """),
                arguments: [pool])
            if let limit {
                let inUse =
                    try Int.fetchOne(
                        db.cachedStatement(sql: "SELECT COUNT(*) FROM concurrency_claims WHERE pool = ?"),
                        arguments: [pool]) ?? 0
                if inUse >= limit { return .full(limit: limit, inUse: inUse) }
            }
            try db.cachedStatement(
                sql: "INSERT INTO concurrency_claims (pool, run_id, step_key, claimed_at) VALUES (?, ?, ?, ?)"
            ).execute(arguments: [pool, runID.rawValue, stepKey, time.timeIntervalSince1970])
            return .claimed
        }
    }

    /// Releases the slot of `pool` the step holds.
    public func releasePoolSlot(_ pool: String, runID: RunID, stepKey: String) async throws {
        try await self.pool.write { db in
            try db.cachedStatement(
                sql: "DELETE FROM concurrency_claims WHERE pool = ? AND run_id = ? AND step_key = ?"
            ).execute(arguments: [pool, runID.rawValue, stepKey])
        }
    }

    /// The statuses of ended runs, as an SQL list: `('SUCCESS', 'FAILURE', 'CANCELED')`.
    private static let endedStatuses =
        "(" + RunStatus.allCases.filter(\.isTerminal).map { "'\($0.rawValue)'" }.joined(separator: ", ") + ")"
}
