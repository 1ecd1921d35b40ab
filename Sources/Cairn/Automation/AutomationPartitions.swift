/// The partitions automation evaluates at one tick: the space of each partitions definition in
/// use, and the latest time window of those partitioned by time.
struct AutomationPartitions: Sendable {
    /// The partitions of each definition as they are now.
    let spaces: [PartitionsDefinition: PartitionSpace]
    /// The partitions of the latest time window, for definitions with a time dimension.
    let latestWindows: [PartitionsDefinition: [PartitionKey]]

    /// The space of an asset's partitions; `nil` when it is not partitioned.
    func space(of partitions: PartitionsDefinition?) -> PartitionSpace? {
        partitions.flatMap { spaces[$0] }
    }

    /// The partitions a condition is evaluated for: `[nil]` for an unpartitioned asset, the
    /// latest time window's for an asset partitioned by time, every key for others.
    func candidates(of partitions: PartitionsDefinition?) -> [PartitionKey?] {
        guard let definition = partitions, let space = spaces[definition] else { return [nil] }
        if let latest = latestWindows[definition] { return latest }
        return space.keys(in: space.all)
    }

    /// Whether `partition` of an asset is in its latest time window; true when the asset is not
    /// partitioned by time.
    func isInLatestWindow(_ partition: PartitionKey?, of partitions: PartitionsDefinition?) -> Bool {
        guard let definition = partitions, let latest = latestWindows[definition] else { return true }
        guard let partition else { return false }
        return latest.contains(partition)
    }

    /// The partitions of the latest time window that exists in `space`, in every slice.
    static func latestWindow(of space: PartitionSpace) -> [PartitionKey] {
        guard let last = space.primary.existing.ranges.last,
            let window = space.timeWindow(at: PartitionPosition(index: last.upperBound - 1))
        else { return [] }
        return space.keys(in: space.subset(within: window))
    }
}
