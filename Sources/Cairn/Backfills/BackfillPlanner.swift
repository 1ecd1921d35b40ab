import Foundation

/// Plans backfills: which runs materialize which partitions of which assets. It stores nothing;
/// `InstanceOperations.launchBackfill` stores the backfill with all its runs not started, in one
/// transaction, and `BackfillDriver` or the daemon's backfill service launches them.
///
/// ```swift
/// let (backfill, runs) = try await BackfillPlanner(definitions: definitions)
///     .plan("group:pageviews", partitions: .missing, storage: storage)
/// ```
public struct BackfillPlanner: Sendable {
    /// The code location's definitions.
    public let definitions: Definitions

    /// Creates a planner over one code location.
    public init(definitions: Definitions) {
        self.definitions = definitions
    }

    /// Plans a backfill of the selected partitioned assets over `partitions`: the backfill and
    /// its runs, not started: its driver launches each, or releases it to the run queue, when it is ready.
    ///
    /// Assets with the same partitions share runs: one run per partition, or per range of
    /// partitions when every asset of the run has a backfill policy that allows it. Runs of
    /// assets downstream of other runs' assets come later in the order.
    ///
    /// - Throws: `SelectionError`, `PartitionsError` for an unpartitioned asset, an unknown key or
    ///   an empty target, `PlanError` for a selection without partitioned assets, and storage errors.
    public func plan(
        _ selection: String, partitions: PartitionSelection,
        storage: any RunStorage & PartitionStatusStorage & DynamicPartitionsStorage, tags: [String: String] = [:],
        runConfig: RunConfig = .empty, now: Date = Date()
    ) async throws -> (backfill: Backfill, runs: [Run]) {
        let graph = try definitions.assetGraph
        let selected = try AssetSelection.parse(selection).resolve(in: graph).sorted().filter {
            !graph.nodes[$0].isSource
        }
        let unpartitioned = selected.filter { graph.nodes[$0].spec.partitions == nil }.map { graph.nodes[$0].key }
        guard unpartitioned.isEmpty else {
            throw PartitionsError.partitionMismatch(
                "backfills materialize partitions, but \(unpartitioned.map { "'\($0)'" }.joined(separator: ", ")) "
                    + "\(unpartitioned.count == 1 ? "is" : "are") not partitioned; leave "
                    + "\(unpartitioned.count == 1 ? "it" : "them") out of the selection and materialize "
                    + "\(unpartitioned.count == 1 ? "it" : "them") with `materialize`")
        }
        guard !selected.isEmpty else { throw PlanError.nothingToMaterialize([]) }
        let backfillID = BackfillID.random()
        let groups = BackfillGroup.groups(of: selected, in: graph)
        var spaces: [PartitionSpace] = []
        var targets: [PartitionSubset?] = []
        var firstError: (any Error)?
        for group in groups {
            let definition = graph.nodes[group.nodes[0]].spec.partitions!
            let space = try await PartitionSpace.resolve(definition, now: now, storage: storage)
            spaces.append(space)
            do {
                let keys = group.nodes.map { graph.nodes[$0].key }
                targets.append(try await targetSubset(partitions, keys: keys, space: space, storage: storage))
            } catch let error as PartitionsError {
                targets.append(nil)
                firstError = firstError ?? error
            }
        }
        if let firstError {
            // Keys of one partitions definition: assets partitioned otherwise by time get the
            // partitions that lie within the same time span; others cannot be backfilled with them.
            guard
                let window = zip(spaces, targets).lazy.compactMap({ space, target in
                    target.flatMap { space.timeWindow(spanning: $0) }
                }).first
            else { throw firstError }
            for index in groups.indices where targets[index] == nil {
                guard spaces[index].isTimeWindowed else {
                    let key = graph.nodes[groups[index].nodes[0]].key
                    throw PartitionsError.partitionMismatch(
                        "'\(key)' is not partitioned by time, so the partitions '\(partitions)' mean nothing to it; "
                            + "leave it out of the selection and backfill it separately")
                }
                targets[index] = spaces[index].subset(within: window)
            }
        }
        var runs: [Run] = []
        var partitionCount = 0
        for (index, group) in groups.enumerated() {
            let space = spaces[index]
            let keys = group.nodes.map { graph.nodes[$0].key }
            let target = targets[index]!
            partitionCount += target.count
            // One partition per run unless every asset of the group allows more; no limit for single runs.
            var limit: Int?
            for node in group.nodes {
                let policy = graph.definitions[graph.nodes[node].definitionIndex].backfillPolicy
                if let maximum = policy.map(\.maxPartitionsPerRun) ?? 1 { limit = Swift.min(limit ?? .max, maximum) }
            }
            for range in Self.chunks(of: target, in: space, limit: limit) {
                runs.append(
                    Run(
                        selection: selection, assetKeys: keys,
                        tags: tags.merging(Run.partitionTags(range)) { _, new in new }.merging([
                            Backfill.tag: backfillID.rawValue
                        ]) { _, new in new },
                        status: .notStarted, createdAt: now, runConfig: runConfig.json))
            }
        }
        guard !runs.isEmpty else {
            throw PartitionsError.partitionMismatch(
                "no partition of the selected assets matches '\(partitions)'; nothing to backfill")
        }
        // Say which upstream partitions the targets depend on that do not exist.
        var spaceOfNode: [Int: PartitionSpace] = [:]
        for (index, group) in groups.enumerated() {
            for node in group.nodes { spaceOfNode[node] = spaces[index] }
        }
        for node in selected {
            for parent in graph.parents[node] where spaceOfNode[parent] == nil {
                if let definition = graph.nodes[parent].spec.partitions {
                    spaceOfNode[parent] = try await PartitionSpace.resolve(definition, now: now, storage: storage)
                }
            }
        }
        var notes: [String] = []
        for (index, group) in groups.enumerated() {
            for node in group.nodes {
                notes += graph.nonexistentUpstreamNotes(of: targets[index]!, child: node, spaces: spaceOfNode)
            }
        }
        let backfill = Backfill(
            id: backfillID, createdAt: now, selection: selection, assetKeys: selected.map { graph.nodes[$0].key },
            partitionSelection: partitions.description, partitionCount: partitionCount, runCount: runs.count,
            tags: tags, runConfig: runConfig.json, notes: notes)
        return (backfill, runs)
    }

    /// The partitions of `space` that a partition selection means for the assets `keys`.
    private func targetSubset(
        _ selection: PartitionSelection, keys: [AssetKey], space: PartitionSpace,
        storage: any RunStorage & PartitionStatusStorage
    ) async throws -> PartitionSubset {
        switch selection {
        case .all:
            return space.all
        case .range(let range):
            return try space.subset(of: range, asset: keys[0])
        case .keys(let list):
            return try space.subset(of: list, asset: keys[0])
        case .missing, .failed:
            var result = PartitionSubset()
            for key in keys {
                let status = try await AssetPartitionStatus.current(of: key, space: space, storage: storage)
                let summary = status.summary(in: space)
                result = result.union(
                    selection == .missing
                        ? space.all.subtracting(status.materialized).subtracting(summary.inProgress) : summary.failed)
            }
            return result
        }
    }

    /// The ranges of `subset` cut into runs of at most `limit` consecutive partitions (no limit when `nil`).
    private static func chunks(of subset: PartitionSubset, in space: PartitionSpace, limit: Int?) -> [PartitionKeyRange]
    {
        var result: [PartitionKeyRange] = []
        for slice in subset.slices.keys.sorted() {
            for range in subset.slices[slice]!.ranges {
                var start = range.lowerBound
                while start < range.upperBound {
                    let end = limit.map { Swift.min(range.upperBound, start + $0) } ?? range.upperBound
                    result.append(
                        PartitionKeyRange(
                            space.key(at: PartitionPosition(slice: slice, index: start)),
                            space.key(at: PartitionPosition(slice: slice, index: end - 1))))
                    start = end
                }
            }
        }
        return result
    }
}
