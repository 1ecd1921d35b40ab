import Foundation

extension RunPartitions {
    /// The partitions a run of `plan` materializes: those of `range` for each partitioned asset
    /// it materializes, with the partition spaces of those assets and the partitioned assets they load.
    ///
    /// - Throws: `PartitionsError` when the run names no partition but materializes partitioned
    ///   assets, names one but materializes none, mixes partitions definitions, names an unknown
    ///   key, or covers a range an asset cannot materialize in one run.
    static func resolve(
        for range: PartitionKeyRange?, plan: ExecutionPlan, graph: AssetGraph, storage: any DynamicPartitionsStorage,
        now: Date
    ) async throws -> RunPartitions? {
        var materialized: [(key: AssetKey, definition: PartitionsDefinition, computation: AssetsDefinition)] = []
        var loaded = Set<AssetKey>()
        for step in plan.steps {
            switch step.kind {
            case .assets(let index):
                let definition = graph.definitions[index]
                for spec in definition.specs {
                    if let partitions = spec.partitions { materialized.append((spec.key, partitions, definition)) }
                    loaded.formUnion(spec.dependencyKeys)
                }
            case .check(let index):
                loaded.insert(graph.checks[index].assetKey)
            case .observation:
                break
            }
        }
        let partitioned = loaded.filter { graph[$0]?.spec.partitions != nil }
        guard !materialized.isEmpty || !partitioned.isEmpty else {
            if let range {
                throw PartitionsError.partitionMismatch(
                    "the run names partition \(range) but none of its assets is partitioned; drop --partition")
            }
            return nil
        }
        var spaces: [AssetKey: PartitionSpace] = [:]
        for key in partitioned.union(materialized.map(\.key)) {
            spaces[key] = try await PartitionSpace.resolve(graph[key]!.spec.partitions!, now: now, storage: storage)
        }
        var result = RunPartitions(spaces: spaces)
        guard let first = materialized.first else {
            // Only checks of partitioned assets, or unpartitioned assets loading partitioned ones.
            let checked = plan.steps.compactMap { step -> AssetKey? in
                guard case .check(let index) = step.kind else { return nil }
                return partitioned.contains(graph.checks[index].assetKey) ? graph.checks[index].assetKey : nil
            }
            guard let asset = checked.first else { return result }
            guard let range else {
                throw PartitionsError.partitionMismatch(
                    "'\(asset)' is partitioned; choose the partition to check with --partition KEY "
                        + "(or --partition-range FIRST...LAST)")
            }
            let space = spaces[asset]!
            let subset = try space.subset(of: range, asset: asset)
            for key in checked where spaces[key]?.definition == space.definition {
                result.targets[key] = PartitionTarget(subset, in: space)
            }
            return result
        }
        if let other = materialized.first(where: { $0.definition != first.definition }) {
            throw PartitionsError.partitionMismatch(
                "'\(first.key)' and '\(other.key)' have different partitions, so one run cannot materialize both; "
                    + "select assets with the same partitions, or launch a backfill, which runs each set separately")
        }
        guard let range else {
            throw PartitionsError.partitionMismatch(
                "'\(first.key)' is partitioned; choose a partition with --partition KEY (or --partition-range "
                    + "FIRST...LAST), or launch a backfill with `backfill launch`")
        }
        let space = spaces[first.key]!
        let subset = try space.subset(of: range, asset: first.key)
        if subset.count > 1 {
            for entry in materialized {
                // No policy: one partition per run; `.singleRun`: no limit.
                if let limit = entry.computation.backfillPolicy.map(\.maxPartitionsPerRun) ?? 1, limit < subset.count {
                    throw PartitionsError.partitionMismatch(
                        "'\(entry.key)' cannot materialize \(subset.count) partitions in one run (its backfill policy "
                            + "allows \(limit)); give it `backfillPolicy: .singleRun`, or launch a backfill")
                }
            }
        }
        let target = PartitionTarget(subset, in: space)
        for entry in materialized { result.targets[entry.key] = target }
        let spacesByNode = Dictionary(
            uniqueKeysWithValues: spaces.compactMap { key, space in graph.index(of: key).map { ($0, space) } })
        for entry in materialized {
            guard let child = graph.index(of: entry.key) else { continue }
            result.nonexistentUpstream += graph.nonexistentUpstreamNotes(of: subset, child: child, spaces: spacesByNode)
        }
        for key in partitioned where result.targets[key] == nil && spaces[key]?.definition == space.definition {
            // Checks of assets the run does not materialize check the same partitions.
            if plan.steps.contains(where: { step in
                if case .check(let index) = step.kind { return graph.checks[index].assetKey == key }
                return false
            }) {
                result.targets[key] = target
            }
        }
        return result
    }
}
