extension InMemoryStorage {
    /// Events concerning one asset, oldest first, after `cursor`, of the given types.
    public func events(ofAsset key: AssetKey, types: Set<EventType>, after cursor: Int64?, limit: Int) async throws
        -> [EventRecord]
    {
        state.withLock { state in
            let ids = state.eventIDsByAsset[key] ?? []
            // The index of the first id after the cursor, by binary search.
            var start = 0
            var end = ids.count
            while start < end {
                let middle = (start + end) / 2
                if ids[middle] > cursor ?? 0 { end = middle } else { start = middle + 1 }
            }
            var result: [EventRecord] = []
            for id in ids[start...] {
                guard result.count < limit else { break }
                let record = state.record(withID: id)
                if types.contains(record.event.type) { result.append(record) }
            }
            return result
        }
    }

    /// The latest materialization of each of the given partitions of an asset that has one.
    public func latestMaterializations(of key: AssetKey, partitions: [PartitionKey]) async throws
        -> [PartitionKey: EventRecord]
    {
        state.withLock { state in
            let latest = state.latestPartitionMaterialization[key] ?? [:]
            var result: [PartitionKey: EventRecord] = [:]
            for partition in partitions {
                if let record = latest[partition] { result[partition] = record }
            }
            return result
        }
    }

    /// The partition status of an asset as last stored, or `nil`.
    public func partitionStatus(of key: AssetKey) async throws -> StoredPartitionStatus? {
        state.withLock { $0.partitionStatus[key] }
    }

    /// Stores the partition status of an asset, unless the stored one has a higher cursor.
    public func storePartitionStatus(_ status: StoredPartitionStatus, of key: AssetKey) async throws {
        state.withLock { state in
            if let stored = state.partitionStatus[key], stored.cursor > status.cursor { return }
            state.partitionStatus[key] = status
        }
    }

    /// Adds the keys the set `name` does not hold yet, in order; returns how many were added.
    @discardableResult
    public func addDynamicPartitions(_ keys: [PartitionKey], to name: String) async throws -> Int {
        state.withLock { state in
            var set = state.dynamicPartitions[name] ?? DynamicPartitionSet()
            var added = 0
            for key in keys {
                if let ordinal = set.ordinals[key] {
                    if set.removed.remove(ordinal) != nil { added += 1 }
                } else {
                    set.ordinals[key] = set.keys.count
                    set.keys.append(key)
                    added += 1
                }
            }
            state.dynamicPartitions[name] = set
            return added
        }
    }

    /// Removes the keys the set holds; returns how many were removed.
    @discardableResult
    public func deleteDynamicPartitions(_ keys: [PartitionKey], from name: String) async throws -> Int {
        state.withLock { state in
            guard var set = state.dynamicPartitions[name] else { return 0 }
            var removed = 0
            for key in keys {
                if let ordinal = set.ordinals[key], set.removed.insert(ordinal).inserted { removed += 1 }
            }
            state.dynamicPartitions[name] = set
            return removed
        }
    }

    /// The keys the set holds, with their ordinals, in the order they were first added.
    public func dynamicPartitions(_ name: String) async throws -> DynamicPartitionKeys {
        state.withLock { state in
            guard let set = state.dynamicPartitions[name] else { return DynamicPartitionKeys(name: name) }
            let ordinals = set.keys.indices.filter { !set.removed.contains($0) }
            return DynamicPartitionKeys(name: name, keys: ordinals.map { set.keys[$0] }, ordinals: ordinals)
        }
    }
}
