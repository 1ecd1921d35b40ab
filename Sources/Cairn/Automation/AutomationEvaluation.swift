import Foundation

/// The stored result of evaluating one asset's automation condition at one tick: whether it was
/// requested (which partitions), the runs created for it, and the evaluated condition tree.
public struct AutomationEvaluation: Hashable, Sendable, Codable {
    /// The evaluated asset.
    public var assetKey: AssetKey
    /// The number of the tick, increasing by one per stored tick.
    public var evaluationID: Int64
    /// When the tick ran.
    public var timestamp: Date
    /// Whether the asset (some partition of it) was requested.
    public var requested: Bool
    /// The partitions requested, for a partitioned asset.
    public var requestedPartitions: [PartitionKey]
    /// The runs created for the request.
    public var runIDs: [RunID]
    /// The evaluated condition.
    public var condition: AutomationEvaluationNode

    /// Creates an evaluation record.
    public init(
        assetKey: AssetKey, evaluationID: Int64, timestamp: Date, requested: Bool,
        requestedPartitions: [PartitionKey] = [], runIDs: [RunID] = [], condition: AutomationEvaluationNode
    ) {
        self.assetKey = assetKey
        self.evaluationID = evaluationID
        self.timestamp = timestamp
        self.requested = requested
        self.requestedPartitions = requestedPartitions
        self.runIDs = runIDs
        self.condition = condition
    }
}
