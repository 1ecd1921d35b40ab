import Foundation

extension Definitions {
    /// Whether each of the given partitions of a partitioned asset is fresh, stale or missing: a
    /// partition is stale when its code version changed, or when the upstream partitions it maps
    /// to (or an unpartitioned upstream asset) have other data than it was computed from.
    ///
    /// - Throws: `PartitionsError` when the asset is not partitioned or a key is unknown, and storage errors.
    public func partitionStatuses(
        of key: AssetKey, partitions keys: [PartitionKey],
        storage: any EventLogStorage & PartitionStatusStorage & DynamicPartitionsStorage, now: Date = Date()
    ) async throws -> [PartitionKey: AssetStatus] {
        let graph = try assetGraph
        guard let index = graph.index(of: key), let definition = graph.nodes[index].spec.partitions else {
            throw PartitionsError.partitionMismatch("asset '\(key)' is not partitioned")
        }
        let space = try await PartitionSpace.resolve(definition, now: now, storage: storage)
        let subsets = try keys.map { partition in try space.subset(of: [partition], asset: key) }
        let own = try await storage.latestMaterializations(of: key, partitions: keys)
        let spec = graph.nodes[index].spec

        // The upstream partitions each partition reads, and their latest data versions.
        var upstreamSpaces: [Int: PartitionSpace] = [:]
        var mapped: [Int: [[PartitionKey]]] = [:]
        for parent in graph.parents[index] {
            guard let parentDefinition = graph.nodes[parent].spec.partitions else { continue }
            let parentSpace = try await PartitionSpace.resolve(parentDefinition, now: now, storage: storage)
            upstreamSpaces[parent] = parentSpace
            mapped[parent] = subsets.map { subset in
                graph.upstreamPartitions(
                    of: subset, child: index, childSpace: space, parent: parent, parentSpace: parentSpace
                ).map { parentSpace.keys(in: $0) } ?? []
            }
        }
        var upstreamVersions: [Int: [PartitionKey: EventRecord]] = [:]
        for (parent, lists) in mapped {
            upstreamVersions[parent] = try await storage.latestMaterializations(
                of: graph.nodes[parent].key, partitions: Array(Set(lists.joined())))
        }
        let unpartitioned = graph.parents[index].filter { upstreamSpaces[$0] == nil }.map { graph.nodes[$0].key }
        let latest = try await storage.latestMaterializations(of: unpartitioned)
        let observed = try await storage.latestObservations(of: unpartitioned)

        var result: [PartitionKey: AssetStatus] = [:]
        for (position, partition) in keys.enumerated() {
            guard let record = own[partition] else {
                result[partition] = .missing
                continue
            }
            let provenance = record.event.provenance
            var reasons: [StaleReason] = []
            if let codeVersion = spec.codeVersion, provenance?.codeVersion != codeVersion {
                reasons.append(.codeVersionChanged(from: provenance?.codeVersion, to: codeVersion))
            }
            for parent in graph.parents[index] {
                let parentKey = graph.nodes[parent].key
                let current: String?
                if let lists = mapped[parent] {
                    var versions: [PartitionKey: String?] = [:]
                    for upstream in lists[position] {
                        versions.updateValue(upstreamVersions[parent]?[upstream]?.event.dataVersion, forKey: upstream)
                    }
                    if versions.values.contains(where: { $0 == nil }) {
                        reasons.append(.upstreamMissing(parentKey))
                        continue
                    }
                    current = versions.isEmpty ? nil : DataVersion.combined(versions)
                } else {
                    current =
                        [latest[parentKey], observed[parentKey]].compactMap { $0 }.max { $0.id < $1.id }?.event
                        .dataVersion
                }
                guard spec.dependencies.contains(where: { $0.key == parentKey && $0.kind == .data }) else { continue }
                if let current, provenance?.inputDataVersions[parentKey.description] != current {
                    reasons.append(.newerUpstreamData(parentKey))
                }
            }
            result[partition] = reasons.isEmpty ? .fresh : .stale(reasons)
        }
        return result
    }
}
