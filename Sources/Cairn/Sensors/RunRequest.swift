import Foundation

/// A request for one run, from a schedule or sensor, as Dagster's `RunRequest`.
public struct RunRequest: Sendable, Hashable {
    /// The run config of the run; `nil` takes the schedule's.
    public var runConfig: RunConfig?
    /// Tags added to the run, over the schedule's.
    public var tags: [String: String]
    /// Deduplicates requests: at most one run is ever created per key and schedule; `nil` takes
    /// the default, the schedule's name and the tick's time.
    public var runKey: String?
    /// The partition the run materializes; `nil` takes the default of the schedule's target.
    public var partitionKey: PartitionKey?

    /// Creates a request.
    public init(
        runConfig: RunConfig? = nil, tags: [String: String] = [:], runKey: String? = nil,
        partitionKey: PartitionKey? = nil
    ) {
        self.runConfig = runConfig
        self.tags = tags
        self.runKey = runKey
        self.partitionKey = partitionKey
    }
}

extension RunRequest {
    /// The queued run this request creates for `target`, with `runConfig`, tagged with
    /// `defaultTags` (the requester's), the request's own over them, `fixedTags` (naming the
    /// requester) over those, and the tags of its partition.
    ///
    /// - Throws: `SelectionError` when the selection does not resolve in `graph`.
    func queuedRun(
        of target: Schedule.Target, defaultTags: [String: String], fixedTags: [String: String],
        runConfig: RunConfig?, graph: AssetGraph, now: Date
    ) throws -> Run {
        var tags = defaultTags.merging(self.tags) { _, new in new }.merging(fixedTags) { _, new in new }
        if let partitionKey { tags.merge(Run.partitionTags(PartitionKeyRange(partitionKey))) { _, new in new } }
        switch target {
        case .selection(let text):
            let keys = try AssetSelection.parse(text).resolve(in: graph).filter { !graph.nodes[$0].isSource }
                .map { graph.nodes[$0].key }.sorted()
            return Run(
                selection: text, assetKeys: keys, tags: tags, status: .queued, createdAt: now,
                runConfig: runConfig?.json)
        case .job(let name):
            return Run(
                jobName: name, assetKeys: [], tags: tags, status: .queued, createdAt: now, runConfig: runConfig?.json)
        }
    }
}
