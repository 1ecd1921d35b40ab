/// Storage of backfills: a request to materialize many partitions, and the runs it made.
public protocol BackfillStorage: Sendable {
    /// Stores a new backfill and all its runs, with the statuses they carry (queued, for a
    /// backfill), in one transaction.
    ///
    /// - Throws: `StorageError.duplicateBackfill` when the backfill exists, or
    ///   `StorageError.duplicateRun` when one of the runs exists, storing nothing.
    func addBackfill(_ backfill: Backfill, runs: [Run]) async throws

    /// The backfill with this id, or `nil`.
    func backfill(_ id: BackfillID) async throws -> Backfill?

    /// Backfills, most recently added first, at most `limit`, after the backfill `cursor` in that order.
    func backfills(limit: Int, after cursor: BackfillID?) async throws -> [Backfill]

    /// Replaces a stored backfill's record (its status, its end).
    ///
    /// - Throws: `StorageError.unknownBackfill` when no backfill has its id.
    func updateBackfill(_ backfill: Backfill) async throws
}
