import Foundation

extension InMemoryStorage {
    /// The limits and claims of concurrency pools.
    struct PoolState {
        /// The limit set for each pool.
        var limits: [String: Int] = [:]
        /// The limit of pools without one of their own.
        var defaultLimit: Int?
        /// The claims of each pool, oldest first, including those of ended runs not yet removed.
        var claims: [String: [PoolClaim]] = [:]
    }

    /// Sets the limit of `pool`.
    public func setPoolLimit(_ limit: Int, for pool: String) async throws {
        try ConcurrencyPool.validate(limit: limit, for: pool)
        state.withLock { $0.pools.limits[pool] = limit }
    }

    /// Removes the limit of `pool`; returns whether it had one.
    @discardableResult
    public func deletePoolLimit(_ pool: String) async throws -> Bool {
        state.withLock { $0.pools.limits.removeValue(forKey: pool) != nil }
    }

    /// The limit of pools that have none of their own.
    public func defaultPoolLimit() async throws -> Int? {
        state.withLock { $0.pools.defaultLimit }
    }

    /// Sets the limit of pools that have none of their own.
    public func setDefaultPoolLimit(_ limit: Int?) async throws {
        if let limit { try ConcurrencyPool.validate(limit: limit, for: nil) }
        state.withLock { $0.pools.defaultLimit = limit }
    }

    /// Every pool with a limit or a claim of a run that has not ended, by name.
    public func concurrencyPools() async throws -> [ConcurrencyPool] {
        state.withLock { state in
            var pools: [String: ConcurrencyPool] = [:]
            for (name, limit) in state.pools.limits {
                pools[name] = ConcurrencyPool(name: name, limit: limit)
            }
            for (name, claims) in state.pools.claims {
                let held = claims.filter { state.runs[$0.runID]?.status.isTerminal == false }
                guard !held.isEmpty else { continue }
                pools[name, default: ConcurrencyPool(name: name, limit: nil)].claims = held
            }
            return pools.values.sorted { $0.name < $1.name }
        }
    }

    /// Claims a slot of `pool` for a step, under the storage's lock.
    public func claimPoolSlot(_ pool: String, runID: RunID, stepKey: String, at time: Date) async throws
        -> PoolSlotClaim
    {
        try state.withLock { state in
            guard let run = state.runs[runID] else { throw StorageError.unknownRun(runID) }
            if run.status.isTerminal { throw StorageError.runEnded(runID, run.status) }
            var claims = state.pools.claims[pool, default: []].filter {
                state.runs[$0.runID]?.status.isTerminal == false
            }
            defer { state.pools.claims[pool] = claims }
            if claims.contains(where: { $0.runID == runID && $0.stepKey == stepKey }) { return .claimed }
            if let limit = state.pools.limits[pool] ?? state.pools.defaultLimit, claims.count >= limit {
                return .full(limit: limit, inUse: claims.count)
            }
            claims.append(PoolClaim(runID: runID, stepKey: stepKey, claimedAt: time))
            return .claimed
        }
    }

    /// Releases the slot of `pool` the step holds.
    public func releasePoolSlot(_ pool: String, runID: RunID, stepKey: String) async throws {
        state.withLock { state in
            state.pools.claims[pool]?.removeAll { $0.runID == runID && $0.stepKey == stepKey }
            if state.pools.claims[pool]?.isEmpty == true { state.pools.claims[pool] = nil }
        }
    }
}
