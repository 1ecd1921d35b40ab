/// Why a partitions definition, a partition key or a partition mapping is not valid.
public enum PartitionsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A time-window definition is malformed: a bad cron, time zone, format or start.
    case invalidTimeWindow(String)
    /// A static definition repeats a key or uses a character reserved for multi-partition keys.
    case invalidStaticKeys(String)
    /// A multi-partitions definition is malformed.
    case invalidDimensions(String)
    /// A key is not one of the definition's partitions.
    case unknownKey(PartitionKey, asset: AssetKey?, suggestion: String?)
    /// A range's start comes after its end, or one of its ends is unknown.
    case invalidRange(PartitionKeyRange, reason: String)
    /// A dynamic partition key is empty or uses a reserved character.
    case invalidDynamicKey(String, reason: String)
    /// A partition was given for an asset that is not partitioned, or none for one that is.
    case partitionMismatch(String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .invalidTimeWindow(let message), .invalidStaticKeys(let message), .invalidDimensions(let message),
            .partitionMismatch(let message):
            message
        case .unknownKey(let key, let asset, let suggestion):
            "'\(key)' is not a partition"
                + (asset.map { " of asset '\($0)'" } ?? "")
                + (suggestion.map { "; did you mean '\($0)'?" } ?? "; list the partitions with `partitions list`")
        case .invalidRange(let range, let reason):
            "invalid partition range '\(range)': \(reason); write it as 'first...last' with first before last"
        case .invalidDynamicKey(let key, let reason):
            "invalid dynamic partition key '\(key)': \(reason)"
        }
    }
}
