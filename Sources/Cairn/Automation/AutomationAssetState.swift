import Foundation

/// What automation remembers of one asset between ticks: its latest update and the run in
/// progress per partition, and for an asset with a condition, what its last evaluation requested
/// and the memory of its condition's `since` and `newlyTrue` nodes.
public struct AutomationAssetState: Hashable, Sendable, Codable {
    /// One materialization, or an observation of a source asset with a new data version.
    public struct Update: Hashable, Sendable, Codable {
        /// The event's id.
        public var eventID: Int64
        /// The run that stored it.
        public var runID: RunID
        /// When it happened.
        public var timestamp: Date
        /// The data version, for observations.
        public var dataVersion: String?

        /// Creates an update record.
        public init(eventID: Int64, runID: RunID, timestamp: Date, dataVersion: String? = nil) {
            self.eventID = eventID
            self.runID = runID
            self.timestamp = timestamp
            self.dataVersion = dataVersion
        }
    }

    /// The latest update per partition key (`""` for an unpartitioned asset).
    public var updates: [String: Update]
    /// The run materializing each partition (`""` for an unpartitioned asset) that has not ended.
    public var inProgress: [String: RunID]
    /// A digest of the condition last evaluated; a different condition starts over.
    public var conditionDigest: String?
    /// When the condition was last evaluated.
    public var evaluatedAt: Date?
    /// The partitions (`""` for an unpartitioned asset) the last evaluation requested.
    public var requested: Set<String>
    /// The candidates of the last evaluation, as one text, to notice new partitions.
    public var candidates: String?
    /// The subjects each memory node (by its path in the condition) was true for.
    public var memory: [String: Set<String>]
    /// A digest of what every node of the last evaluation held for: an evaluation is stored only
    /// when it differs, or requests something, as Dagster does.
    public var resultDigest: String?

    /// An empty state.
    public init(
        updates: [String: Update] = [:], inProgress: [String: RunID] = [:], conditionDigest: String? = nil,
        evaluatedAt: Date? = nil, requested: Set<String> = [], candidates: String? = nil,
        memory: [String: Set<String>] = [:], resultDigest: String? = nil
    ) {
        self.updates = updates
        self.inProgress = inProgress
        self.conditionDigest = conditionDigest
        self.evaluatedAt = evaluatedAt
        self.requested = requested
        self.candidates = candidates
        self.memory = memory
        self.resultDigest = resultDigest
    }
}
