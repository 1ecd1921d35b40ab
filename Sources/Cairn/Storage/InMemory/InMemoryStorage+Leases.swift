import Foundation

extension InMemoryStorage {
    /// Takes or renews the lease `name` for `holder`, unless another holder has it unexpired.
    public func acquireLease(_ name: String, holder: String, now: Date, duration: Duration) async throws -> Lease? {
        state.withLock { state in
            let expiresAt = now.addingTimeInterval(duration.inSeconds)
            guard let current = state.leases[name] else {
                let lease = Lease(name: name, holder: holder, token: 1, expiresAt: expiresAt)
                state.leases[name] = lease
                return lease
            }
            guard current.holder == holder || current.expiresAt <= now else { return nil }
            let lease = Lease(
                name: name, holder: holder, token: current.holder == holder ? current.token : current.token + 1,
                expiresAt: expiresAt)
            state.leases[name] = lease
            return lease
        }
    }

    /// Gives the lease up if `holder` has it.
    public func releaseLease(_ name: String, holder: String) async throws {
        state.withLock { state in
            guard var lease = state.leases[name], lease.holder == holder else { return }
            lease.expiresAt = .distantPast
            lease.holder = ""
            state.leases[name] = lease
        }
    }

    /// Every lease ever taken, by name.
    public func leases() async throws -> [Lease] {
        state.withLock { $0.leases.values.sorted { $0.name < $1.name } }
    }
}
