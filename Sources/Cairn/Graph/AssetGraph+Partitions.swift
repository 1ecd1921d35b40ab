extension AssetGraph {
    /// Invalid partitions definitions, partition mappings that do not fit the assets they
    /// connect, and backfill policies of assets that cannot materialize several partitions at once.
    static func partitionProblems(
        specs: [(spec: AssetSpec, definition: Int)], firstIndex: [AssetKey: Int], definitions: [AssetsDefinition]
    ) -> [DefinitionsError.Problem] {
        var problems: [DefinitionsError.Problem] = []
        for entry in specs {
            let definition = definitions[entry.definition]
            let location = definition.location
            let key = entry.spec.key
            if let error = entry.spec.partitions?.error {
                problems.append(.init(location: location, message: "asset '\(key)' has invalid partitions: \(error)"))
                continue
            }
            if let policy = definition.backfillPolicy, policy.maxPartitionsPerRun != 1 {
                if entry.spec.partitions == nil {
                    problems.append(
                        .init(
                            location: location,
                            message: "asset '\(key)' has a backfill policy but no partitions; remove the policy "
                                + "or give it `partitions:`"))
                } else if !definition.storesNothing {
                    problems.append(
                        .init(
                            location: location,
                            message: "asset '\(key)' materializes several partitions per run (backfill policy "
                                + "\(policy)) but returns a value, which would be stored for one partition only; "
                                + "store the data yourself and return `Nothing()`, or drop the policy"))
                }
            }
            for dependency in entry.spec.dependencies {
                guard let parent = firstIndex[dependency.key] else { continue }
                let upstream = specs[parent].spec.partitions
                guard upstream?.error == nil else { continue }
                do {
                    _ = try ResolvedPartitionMapping.resolve(
                        dependency.partitionMapping, upstream: upstream, downstream: entry.spec.partitions)
                } catch {
                    problems.append(
                        .init(
                            location: location,
                            message: "asset '\(key)' depends on '\(dependency.key)', but \(error.reason)"))
                }
            }
        }
        return problems
    }

    /// The partitions definition of the asset at `index`, if it is partitioned.
    public func partitions(of index: Int) -> PartitionsDefinition? {
        nodes[index].spec.partitions
    }

    /// The upstream partitions of `parent` that the partitions `subset` of `child` depend on,
    /// through every dependency of `child` on `parent`; `nil` when `parent` is not partitioned.
    ///
    /// - Parameters:
    ///   - childSpace: the child's partitions as they are now; `nil` when it is not partitioned.
    ///   - parentSpace: the parent's partitions as they are now.
    public func upstreamPartitions(
        of subset: PartitionSubset, child: Int, childSpace: PartitionSpace?, parent: Int,
        parentSpace: PartitionSpace?
    ) -> PartitionSubset? {
        guard let parentSpace else { return nil }
        let parentKey = nodes[parent].key
        var result = PartitionSubset()
        for dependency in nodes[child].spec.dependencies where dependency.key == parentKey {
            guard
                let mapping = try? ResolvedPartitionMapping.resolve(
                    dependency.partitionMapping, upstream: parentSpace.definition, downstream: childSpace?.definition)
            else { continue }
            result = result.union(mapping.upstream(of: subset, downstream: childSpace, upstream: parentSpace))
        }
        return result
    }

    /// The partitions of the asset at `parent` that the partitions `subset` of the asset at `child`
    /// depend on but that do not exist: time windows before the parent's first partition or after
    /// its last one at the time (Dagster's required-but-nonexistent partitions), counted, with the
    /// keys of at most `limit` of them. `upstreamPartitions` leaves them out.
    public func nonexistentUpstreamPartitions(
        of subset: PartitionSubset, child: Int, childSpace: PartitionSpace?, parent: Int,
        parentSpace: PartitionSpace?, limit: Int = 100
    ) -> (count: Int, keys: [PartitionKey]) {
        guard let parentSpace else { return (0, []) }
        var count = 0
        var keys: [PartitionKey] = []
        for dependency in nodes[child].spec.dependencies where dependency.key == nodes[parent].key {
            guard
                let mapping = try? ResolvedPartitionMapping.resolve(
                    dependency.partitionMapping, upstream: parentSpace.definition, downstream: childSpace?.definition)
            else { continue }
            let missing = mapping.nonexistentUpstream(
                of: subset, downstream: childSpace, upstream: parentSpace, limit: limit)
            count += missing.count
            keys += missing.keys.prefix(limit - keys.count)
        }
        return (count, keys)
    }

    /// Says which upstream partitions that the partitions `subset` of the asset at `child` depend
    /// on do not exist, one sentence per upstream asset; none when all exist.
    func nonexistentUpstreamNotes(
        of subset: PartitionSubset, child: Int, spaces: [Int: PartitionSpace]
    ) -> [String] {
        parents[child].compactMap { parent in
            let (count, keys) = nonexistentUpstreamPartitions(
                of: subset, child: child, childSpace: spaces[child], parent: parent, parentSpace: spaces[parent],
                limit: 3)
            guard count > 0 else { return nil }
            let shown = keys.map { "'\($0)'" }.joined(separator: ", ") + (count > keys.count ? ", …" : "")
            return
                "'\(nodes[child].key)' depends on \(count) partition\(count == 1 ? "" : "s") of '\(nodes[parent].key)' "
                + "that do\(count == 1 ? "es" : "") not exist (\(shown)): before its first partition or after its "
                + "last; they are left out of what '\(nodes[child].key)' loads"
        }
    }
}
