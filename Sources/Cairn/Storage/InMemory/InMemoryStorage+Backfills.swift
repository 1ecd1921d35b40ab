extension InMemoryStorage {
    /// Stores a new backfill and all its runs, or nothing when one of them exists.
    public func addBackfill(_ backfill: Backfill, runs: [Run]) async throws {
        try state.withLock { state in
            guard state.backfills[backfill.id] == nil else { throw StorageError.duplicateBackfill(backfill.id) }
            var ids: Set<RunID> = []
            for run in runs where state.runs[run.id] != nil || !ids.insert(run.id).inserted {
                throw StorageError.duplicateRun(run.id)
            }
            for run in runs {
                try state.add(run)
            }
            state.backfills[backfill.id] = backfill
            state.backfillOrder.append(backfill.id)
        }
    }

    /// The backfill with this id, or `nil`.
    public func backfill(_ id: BackfillID) async throws -> Backfill? {
        state.withLock { $0.backfills[id] }
    }

    /// Backfills, newest first, at most `limit`, after the backfill `cursor` in that order.
    public func backfills(limit: Int, after cursor: BackfillID?) async throws -> [Backfill] {
        state.withLock { state in
            var newestFirst = state.backfillOrder.reversed()[...]
            if let cursor {
                guard let index = newestFirst.firstIndex(of: cursor) else { return [] }
                newestFirst = newestFirst[newestFirst.index(after: index)...]
            }
            return newestFirst.prefix(max(limit, 0)).compactMap { state.backfills[$0] }
        }
    }

    /// Replaces a stored backfill's record.
    public func updateBackfill(_ backfill: Backfill) async throws {
        try state.withLock { state in
            guard state.backfills[backfill.id] != nil else { throw StorageError.unknownBackfill(backfill.id) }
            state.backfills[backfill.id] = backfill
        }
    }
}
