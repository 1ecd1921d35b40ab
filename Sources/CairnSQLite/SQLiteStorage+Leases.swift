import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// Takes or renews the lease `name` for `holder` in one statement, unless another holder has it unexpired.
    public func acquireLease(_ name: String, holder: String, now: Date, duration: Duration) async throws -> Lease? {
        let expiresAt = now.addingTimeInterval(duration.inSeconds)
        let token = try await pool.write { db in
            try Int64.fetchOne(
                db.cachedStatement(sql: LeaseSQL.acquire.replacingOccurrences(of: "$", with: "?")),
                arguments: [name, holder, expiresAt.timeIntervalSince1970, now.timeIntervalSince1970])
        }
        return token.map { Lease(name: name, holder: holder, token: $0, expiresAt: expiresAt) }
    }

    /// Gives the lease up if `holder` has it.
    public func releaseLease(_ name: String, holder: String) async throws {
        try await pool.write { db in
            try db.cachedStatement(sql: LeaseSQL.release.replacingOccurrences(of: "$", with: "?"))
                .execute(arguments: [name, holder])
        }
    }

    /// Every lease ever taken, by name.
    public func leases() async throws -> [Lease] {
        try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: LeaseSQL.all)).map { row in
                Lease(name: row[0], holder: row[1], token: row[2], expiresAt: Date(timeIntervalSince1970: row[3]))
            }
        }
    }
}
