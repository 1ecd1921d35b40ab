import Foundation

/// How many runs of one job have one status (`RunStorage.runCounts`).
public struct RunCount: Hashable, Sendable {
    /// The status.
    public var status: RunStatus
    /// The job.
    public var jobName: String
    /// How many runs.
    public var count: Int
    /// When the oldest of them was created.
    public var oldestCreatedAt: Date

    /// Creates a count.
    public init(status: RunStatus, jobName: String, count: Int, oldestCreatedAt: Date) {
        self.status = status
        self.jobName = jobName
        self.count = count
        self.oldestCreatedAt = oldestCreatedAt
    }
}
