import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// Takes or renews the lease `name` for `holder` in one statement, unless another holder has
    /// it unexpired: the row lock of the upsert orders holders asking at once.
    public func acquireLease(_ name: String, holder: String, now: Date, duration: Duration) async throws -> Lease? {
        let expiresAt = now.addingTimeInterval(duration.inSeconds)
        let token = try await rows(
            """
            INSERT INTO leases AS l (name, holder, token, expires_at)
            VALUES (\(name), \(holder), 1, \(expiresAt.timeIntervalSince1970))
            ON CONFLICT (name) DO UPDATE SET
                token = CASE WHEN l.holder = excluded.holder THEN l.token ELSE l.token + 1 END,
                holder = excluded.holder, expires_at = excluded.expires_at
            WHERE l.holder = excluded.holder OR l.expires_at <= \(now.timeIntervalSince1970)
            RETURNING token
            """
        ).first?.decode(Int64.self)
        return token.map { Lease(name: name, holder: holder, token: $0, expiresAt: expiresAt) }
    }

    /// Gives the lease up if `holder` has it.
    public func releaseLease(_ name: String, holder: String) async throws {
        _ = try await rows(
            "UPDATE leases SET holder = '', expires_at = -1e15 WHERE name = \(name) AND holder = \(holder)")
    }

    /// Every lease ever taken, by name.
    public func leases() async throws -> [Lease] {
        try await rows("SELECT name, holder, token, expires_at FROM leases ORDER BY name").map { row in
            let (name, holder, token, expiresAt) = try row.decode(
                (String, String, Int64, Double).self, context: .default)
            return Lease(name: name, holder: holder, token: token, expiresAt: Date(timeIntervalSince1970: expiresAt))
        }
    }
}
