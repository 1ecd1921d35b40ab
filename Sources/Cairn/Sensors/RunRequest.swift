/// A request for one run, from a schedule or sensor, as Dagster's `RunRequest`.
public struct RunRequest: Sendable, Hashable {
    /// The run config of the run; `nil` takes the schedule's.
    public var runConfig: RunConfig?
    /// Tags added to the run, over the schedule's.
    public var tags: [String: String]
    /// Deduplicates requests: at most one run is ever created per key and schedule; `nil` takes
    /// the default, the schedule's name and the tick's time.
    public var runKey: String?
    /// The partition the run materializes; `nil` takes the default of the schedule's target.
    public var partitionKey: PartitionKey?

    /// Creates a request.
    public init(
        runConfig: RunConfig? = nil, tags: [String: String] = [:], runKey: String? = nil,
        partitionKey: PartitionKey? = nil
    ) {
        self.runConfig = runConfig
        self.tags = tags
        self.runKey = runKey
        self.partitionKey = partitionKey
    }
}
