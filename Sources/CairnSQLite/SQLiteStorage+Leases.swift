import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// Takes or renews the lease `name` for `holder` in one statement, unless another holder has it
    /// unexpired: the token grows when the holder changes; a released lease (no holder) has expired.
    public func acquireLease(_ name: String, holder: String, now: Date, duration: Duration) async throws -> Lease? {
        let expiresAt = now.addingTimeInterval(duration.inSeconds)
        let token = try await pool.write { db in
            try Int64.fetchOne(
                db.cachedStatement(
                    sql: """
                        INSERT INTO leases (name, holder, token, expires_at) VALUES (?1, ?2, 1, ?3)
                        ON CONFLICT (name) DO UPDATE SET
                            token = CASE WHEN leases.holder = excluded.holder THEN leases.token ELSE leases.token + 1 END,
                            holder = excluded.holder, expires_at = excluded.expires_at
                        WHERE leases.holder = excluded.holder OR leases.expires_at <= ?4
                        RETURNING token
                        """),
                arguments: [name, holder, expiresAt.timeIntervalSince1970, now.timeIntervalSince1970])
        }
        return token.map { Lease(name: name, holder: holder, token: $0, expiresAt: expiresAt) }
    }

    /// Gives the lease up if `holder` has it.
    public func releaseLease(_ name: String, holder: String) async throws {
        try await pool.write { db in
            try db.cachedStatement(
                sql: "UPDATE leases SET holder = '', expires_at = -1e15 WHERE name = ? AND holder = ?"
            )
            .execute(arguments: [name, holder])
        }
    }

    /// Every lease ever taken, by name.
    public func leases() async throws -> [Lease] {
        try await pool.read { db in
            try Row.fetchAll(
                db.cachedStatement(sql: "SELECT name, holder, token, expires_at FROM leases ORDER BY name")
            ).map { row in
                Lease(name: row[0], holder: row[1], token: row[2], expiresAt: Date(timeIntervalSince1970: row[3]))
            }
        }
    }
}
