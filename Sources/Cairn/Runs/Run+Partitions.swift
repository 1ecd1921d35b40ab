extension Run {
    /// The tag of the partition a run materializes, as in Dagster.
    public static let partitionTag = "dagster/partition"
    /// The tag of the first partition of the range a run materializes, as in Dagster.
    public static let partitionRangeStartTag = "dagster/asset_partition_range_start"
    /// The tag of the last partition of the range a run materializes, as in Dagster.
    public static let partitionRangeEndTag = "dagster/asset_partition_range_end"

    /// The partitions the run materializes, from its tags: one key or a range; `nil` when none.
    public var partitionRange: PartitionKeyRange? {
        if let key = tags[Run.partitionTag] { return PartitionKeyRange(PartitionKey(key), PartitionKey(key)) }
        guard let start = tags[Run.partitionRangeStartTag], let end = tags[Run.partitionRangeEndTag] else { return nil }
        return PartitionKeyRange(PartitionKey(start), PartitionKey(end))
    }

    /// The tags that say a run materializes `range`: one key, or the ends of a range.
    public static func partitionTags(_ range: PartitionKeyRange) -> [String: String] {
        range.start == range.end
            ? [partitionTag: range.start.rawValue]
            : [partitionRangeStartTag: range.start.rawValue, partitionRangeEndTag: range.end.rawValue]
    }
}
