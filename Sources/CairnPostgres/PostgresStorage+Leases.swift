import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// Takes or renews the lease `name` for `holder` in one statement, unless another holder has
    /// it unexpired: the row lock of the upsert orders holders asking at once.
    public func acquireLease(_ name: String, holder: String, now: Date, duration: Duration) async throws -> Lease? {
        let expiresAt = now.addingTimeInterval(duration.inSeconds)
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(holder)
        binds.append(expiresAt.timeIntervalSince1970)
        binds.append(now.timeIntervalSince1970)
        let token = try await rows(PostgresQuery(unsafeSQL: LeaseSQL.acquire, binds: binds)).first?.decode(Int64.self)
        return token.map { Lease(name: name, holder: holder, token: $0, expiresAt: expiresAt) }
    }

    /// Gives the lease up if `holder` has it.
    public func releaseLease(_ name: String, holder: String) async throws {
        var binds = PostgresBindings()
        binds.append(name)
        binds.append(holder)
        _ = try await rows(PostgresQuery(unsafeSQL: LeaseSQL.release, binds: binds))
    }

    /// Every lease ever taken, by name.
    public func leases() async throws -> [Lease] {
        try await rows(PostgresQuery(unsafeSQL: LeaseSQL.all)).map { row in
            let (name, holder, token, expiresAt) = try row.decode(
                (String, String, Int64, Double).self, context: .default)
            return Lease(name: name, holder: holder, token: token, expiresAt: Date(timeIntervalSince1970: expiresAt))
        }
    }
}
