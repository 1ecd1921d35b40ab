extension RunStorage {
    /// The runs of a backfill as storage has them now, oldest first.
    public func runs(ofBackfill id: BackfillID) async throws -> [Run] {
        var runs: [Run] = []
        var cursor: RunID?
        while true {
            let page = try await self.runs(
                matching: RunFilter(tags: [Backfill.tag: id.rawValue]), limit: 1000, after: cursor)
            runs += page
            guard page.count == 1000 else { break }
            cursor = page.last?.id
        }
        return runs.reversed()
    }
}
