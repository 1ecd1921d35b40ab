/// How a backfill of a partitioned asset is split into runs.
public enum BackfillPolicy: Hashable, Sendable {
    /// All partitions of the backfill in one run, which receives them as `context.partitionKeyRange`:
    /// for assets that process a range at once, such as one SQL statement over many days.
    case singleRun
    /// Runs of at most `maxPartitionsPerRun` consecutive partitions each.
    case multiRun(maxPartitionsPerRun: Int = 1)

    /// The most partitions one run materializes; `nil` for no limit.
    public var maxPartitionsPerRun: Int? {
        switch self {
        case .singleRun: nil
        case .multiRun(let maximum): max(1, maximum)
        }
    }
}
