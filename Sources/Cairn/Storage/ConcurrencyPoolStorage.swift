import Foundation

/// Storage of concurrency pools, which limit how many steps of all runs use a shared resource
/// (an API, a database) at once, as Dagster's pools do.
///
/// A pool is named by the steps that use it (`Asset(..., pool: "api")`); it needs no creation.
/// A pool without a limit of its own has the default limit, and is unlimited when no default is
/// set. A claim holds one slot while its run has not ended: claims of ended runs (a run that
/// succeeded, failed, was canceled, or whose killed worker the run monitor marked failed) never
/// count, are not listed, and are removed by the next claim in their pool, so a worker killed
/// with SIGKILL never blocks a pool for longer than its run stays unended.
public protocol ConcurrencyPoolStorage: Sendable {
    /// Sets the limit of `pool`: at most `limit` steps hold one of its slots at once; 0 holds
    /// every step back.
    ///
    /// - Throws: `ConcurrencyPoolError` when the name is invalid or the limit negative.
    func setPoolLimit(_ limit: Int, for pool: String) async throws

    /// Removes the limit of `pool`, which then has the default limit; returns whether it had one.
    @discardableResult
    func deletePoolLimit(_ pool: String) async throws -> Bool

    /// The limit of pools that have none of their own; `nil`: they are unlimited.
    func defaultPoolLimit() async throws -> Int?

    /// Sets the limit of pools that have none of their own; `nil` makes them unlimited.
    ///
    /// - Throws: `ConcurrencyPoolError.negativeLimit` when the limit is negative.
    func setDefaultPoolLimit(_ limit: Int?) async throws

    /// Every pool that has a limit of its own or a slot held by a run that has not ended, by name,
    /// with its claims oldest first.
    func concurrencyPools() async throws -> [ConcurrencyPool]

    /// Claims a slot of `pool` for the step `stepKey` of the run `runID`, atomically, even across
    /// processes: it succeeds when the step already holds one (claims are idempotent), or when
    /// fewer claims than the pool's limit are held by runs that have not ended.
    ///
    /// - Throws: `StorageError.unknownRun` when no run has the id, `StorageError.runEnded` when the
    ///   run has ended (fencing: a late worker computes nothing more).
    func claimPoolSlot(_ pool: String, runID: RunID, stepKey: String, at time: Date) async throws -> PoolSlotClaim

    /// Releases the slot of `pool` the step holds, if it holds one.
    func releasePoolSlot(_ pool: String, runID: RunID, stepKey: String) async throws
}
