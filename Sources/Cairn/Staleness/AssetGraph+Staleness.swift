/// Staleness: whether each asset's stored data reflects its current code and upstream data.
///
/// The status of an asset comes from its latest materialization and the latest materialization or
/// observation of each dependency, in topological order, so a stale asset makes everything
/// downstream of it stale too. For a non-source asset:
///
/// - never materialized: `missing`;
/// - the spec has a code version that differs from the recorded one: `codeVersionChanged`
///   (removing a code version does not make an asset stale: without one, Cairn cannot tell
///   whether the code changed);
/// - for each current dependency, its current data version (from its newest materialization
///   or observation) differs from the recorded input version: `newerUpstreamData`;
/// - a dependency with a data version that the materialization did not record: `dependencyAdded`
///   when the dependency's data is older than the materialization (it would have been recorded
///   had it been a dependency then), `newerUpstreamData` when it is newer;
/// - a recorded input that is no longer a dependency: `dependencyRemoved`;
/// - a non-source dependency that is stale or missing: `upstreamStale` or `upstreamMissing`,
///   unless another reason already names that dependency.
///
/// A materialization recorded before Cairn stored provenance (`provenance == nil`) cannot be
/// compared with its inputs: only a code version on the spec and the status of its dependencies
/// can make it stale. Source assets are `source`: they are observed, never stale.
extension AssetGraph {
    /// The status of every asset, from the latest materialization and observation of each asset
    /// that has one (as `EventLogStorage.latestMaterializations(of:)` and
    /// `latestObservations(of:)` return them).
    public func statuses(
        materializations: [AssetKey: EventRecord], observations: [AssetKey: EventRecord]
    ) -> [AssetKey: AssetStatus] {
        let resolved = resolveStatuses(among: nil, materializations: materializations, observations: observations)
        var result: [AssetKey: AssetStatus] = [:]
        result.reserveCapacity(nodes.count)
        for (index, status) in resolved.enumerated() {
            if let status { result[nodes[index].key] = status }
        }
        return result
    }

    /// The status of the assets at the given node indices; the records must cover them and
    /// everything upstream of them (`upstream(of:)`).
    public func statuses(
        of indices: some Sequence<Int>, materializations: [AssetKey: EventRecord],
        observations: [AssetKey: EventRecord]
    ) -> [AssetKey: AssetStatus] {
        let requested = Array(indices)
        let resolved = resolveStatuses(
            among: upstream(of: requested), materializations: materializations, observations: observations)
        var result: [AssetKey: AssetStatus] = [:]
        result.reserveCapacity(requested.count)
        for index in requested {
            if let status = resolved[index] { result[nodes[index].key] = status }
        }
        return result
    }

    /// The node indices among `selected` whose assets are stale or missing: what
    /// `materialize --stale-or-missing` runs.
    public func staleOrMissing(
        in selected: Set<Int>, materializations: [AssetKey: EventRecord], observations: [AssetKey: EventRecord]
    ) -> Set<Int> {
        let resolved = resolveStatuses(
            among: upstream(of: selected), materializations: materializations, observations: observations)
        return selected.filter { resolved[$0]?.isStaleOrMissing == true }
    }

    /// The status of the assets at the given node indices (all when `nil`), reading the latest
    /// materializations and observations they need from `storage` in one batch.
    public func statuses(
        of indices: Set<Int>? = nil, storage: any EventLogStorage
    ) async throws -> [AssetKey: AssetStatus] {
        guard let indices else {
            let records = try await latestRecords(of: keys, storage: storage)
            return statuses(materializations: records.materializations, observations: records.observations)
        }
        let records = try await latestRecords(of: upstream(of: indices).map { nodes[$0].key }, storage: storage)
        return statuses(of: indices, materializations: records.materializations, observations: records.observations)
    }

    /// The node indices among `selected` whose assets are stale or missing, reading what that
    /// needs from `storage` in one batch.
    public func staleOrMissing(in selected: Set<Int>, storage: any EventLogStorage) async throws -> Set<Int> {
        let records = try await latestRecords(of: upstream(of: selected).map { nodes[$0].key }, storage: storage)
        return staleOrMissing(
            in: selected, materializations: records.materializations, observations: records.observations)
    }

    /// The latest materialization and observation of each of `keys` that has one.
    private func latestRecords(
        of keys: [AssetKey], storage: any EventLogStorage
    ) async throws -> (materializations: [AssetKey: EventRecord], observations: [AssetKey: EventRecord]) {
        guard !keys.isEmpty else { return ([:], [:]) }
        async let materializations = storage.latestMaterializations(of: keys)
        async let observations = storage.latestObservations(of: keys)
        return (try await materializations, try await observations)
    }

    /// The status of each node in `needed` (every node when `nil`), `nil` for the others.
    ///
    /// `needed` must be closed upstream: nodes are visited in index order, which is topological,
    /// so the status of every dependency is known before its dependents'.
    private func resolveStatuses(
        among needed: Set<Int>?, materializations: [AssetKey: EventRecord], observations: [AssetKey: EventRecord]
    ) -> [AssetStatus?] {
        let count = nodes.count
        var included: [Bool]
        if let needed {
            included = [Bool](repeating: false, count: count)
            for index in needed { included[index] = true }
        } else {
            included = [Bool](repeating: true, count: count)
        }
        var statuses = [AssetStatus?](repeating: nil, count: count)
        // Per node: its written key, and the data version and event id of its newest record.
        var writtenKeys = [String](repeating: "", count: count)
        var versions = [String?](repeating: nil, count: count)
        var versionIDs = [Int64](repeating: .min, count: count)
        for index in 0..<count where included[index] {
            let key = nodes[index].key
            writtenKeys[index] = key.description
            // Read fields in place: copying whole records out of the dictionaries costs more than the rest.
            var provenance: DataProvenance?
            var materializationID: Int64?
            if let position = materializations.index(forKey: key) {
                let id = materializations.values[position].id
                materializationID = id
                provenance = materializations.values[position].event.provenance
                versions[index] = materializations.values[position].event.dataVersion
                versionIDs[index] = id
            }
            if let position = observations.index(forKey: key), observations.values[position].id > versionIDs[index] {
                versions[index] = observations.values[position].event.dataVersion
                versionIDs[index] = observations.values[position].id
            }
            statuses[index] = status(
                ofNode: index, materializationID: materializationID, provenance: provenance, statuses: statuses,
                writtenKeys: writtenKeys, versions: versions, versionIDs: versionIDs)
        }
        return statuses
    }

    /// The status of one node, given those of all its dependencies.
    private func status(
        ofNode index: Int, materializationID: Int64?, provenance: DataProvenance?, statuses: [AssetStatus?],
        writtenKeys: [String], versions: [String?], versionIDs: [Int64]
    ) -> AssetStatus {
        if nodes[index].isSource { return .source }
        guard let materializationID else { return .missing }
        var reasons: [StaleReason] = []
        if let current = nodes[index].spec.codeVersion, current != provenance?.codeVersion {
            reasons.append(.codeVersionChanged(from: provenance?.codeVersion, to: current))
        }
        let inputs = provenance?.inputDataVersions ?? [:]
        var recordedDependencies = 0
        for parent in parents[index] {
            let key = nodes[parent].key
            if nodes[parent].spec.partitions != nil || nodes[index].spec.partitions != nil {
                // Data versions of partitioned assets are per partition: `partitionStatuses` compares them.
                if inputs[writtenKeys[parent]] != nil { recordedDependencies += 1 }
                if statuses[parent] == .missing { reasons.append(.upstreamMissing(key)) }
                continue
            }
            if provenance != nil {
                if let recorded = inputs[writtenKeys[parent]] {
                    recordedDependencies += 1
                    if let version = versions[parent], version != recorded {
                        reasons.append(.newerUpstreamData(key))
                        continue
                    }
                } else if versions[parent] != nil {
                    reasons.append(
                        versionIDs[parent] > materializationID ? .newerUpstreamData(key) : .dependencyAdded(key))
                    continue
                }
            }
            guard !nodes[parent].isSource else { continue }
            switch statuses[parent] {
            case .stale: reasons.append(.upstreamStale(key))
            case .missing: reasons.append(.upstreamMissing(key))
            case .fresh, .source, nil: break
            }
        }
        if inputs.count > recordedDependencies {
            // A multi-asset records the inputs of its whole computation for each output.
            let current = Set(definition(ofNode: index).specs.lazy.flatMap(\.dependencyKeys).map(\.description))
            for written in inputs.keys.sorted() where !current.contains(written) {
                reasons.append(.dependencyRemoved(AssetKey(written)))
            }
        }
        return reasons.isEmpty ? .fresh : .stale(reasons)
    }
}
