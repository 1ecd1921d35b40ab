import Foundation

/// What a storage keeps of a backfill besides its columns (id, status, creation, end, run
/// config), as one JSON text: the same form in every storage. The run config has a column of its
/// own, as in runs, so that a JSON `null` config stays distinct from none.
public struct StoredBackfillBody: Codable, Sendable {
    var selection: String
    var assetKeys: [AssetKey]
    var partitionSelection: String
    var partitionCount: Int
    var runCount: Int
    var tags: [String: String]
    var error: String?
    var maxConcurrentRuns: Int?
    var notes: [String]?

    /// The parts of `backfill` that have no column of their own.
    public init(_ backfill: Backfill) {
        selection = backfill.selection
        assetKeys = backfill.assetKeys
        partitionSelection = backfill.partitionSelection
        partitionCount = backfill.partitionCount
        runCount = backfill.runCount
        tags = backfill.tags
        error = backfill.error
        maxConcurrentRuns = backfill.maxConcurrentRuns
        notes = backfill.notes.isEmpty ? nil : backfill.notes
    }

    /// The backfill with this body and these columns.
    public func backfill(
        id: BackfillID, status: BackfillStatus, createdAt: Date, endedAt: Date?, runConfig: JSONValue?
    ) -> Backfill {
        Backfill(
            id: id, status: status, createdAt: createdAt, endedAt: endedAt, selection: selection,
            assetKeys: assetKeys, partitionSelection: partitionSelection, partitionCount: partitionCount,
            runCount: runCount, tags: tags, runConfig: runConfig, error: error,
            maxConcurrentRuns: maxConcurrentRuns, notes: notes ?? [])
    }
}
