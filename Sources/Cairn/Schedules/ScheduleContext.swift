import Foundation

/// What a schedule's `evaluate` closure knows of the tick it computes a run for.
public struct ScheduleContext: Sendable {
    /// The schedule's name.
    public let scheduleName: String
    /// The time the tick was scheduled for (not when it was evaluated).
    public let scheduledTime: Date
    /// The partition the run targets by default: for assets partitioned by time, the last one
    /// complete at the tick; `nil` otherwise.
    public let partitionKey: PartitionKey?

    /// Creates a context.
    public init(scheduleName: String, scheduledTime: Date, partitionKey: PartitionKey?) {
        self.scheduleName = scheduleName
        self.scheduledTime = scheduledTime
        self.partitionKey = partitionKey
    }
}
