import Foundation

/// One evaluated tick of a schedule and its outcome, as the tick history shows it.
public struct ScheduleTick: Hashable, Sendable, Codable {
    /// How a tick ended, with Dagster's names.
    public enum Status: String, Hashable, Sendable, Codable, CaseIterable {
        /// Runs were requested.
        case success = "SUCCESS"
        /// The schedule skipped the tick, or its runs existed already.
        case skipped = "SKIPPED"
        /// Evaluating the schedule threw.
        case failure = "FAILURE"
    }

    /// The schedule's name.
    public var scheduleName: String
    /// The time the tick was scheduled for.
    public var scheduledTime: Date
    /// How it ended.
    public var status: Status
    /// The runs it created.
    public var runIDs: [RunID]
    /// Why it was skipped, or the error it failed with.
    public var message: String?
    /// When it was evaluated.
    public var timestamp: Date

    /// Creates a tick record.
    public init(
        scheduleName: String, scheduledTime: Date, status: Status, runIDs: [RunID] = [], message: String? = nil,
        timestamp: Date
    ) {
        self.scheduleName = scheduleName
        self.scheduledTime = scheduledTime
        self.status = status
        self.runIDs = runIDs
        self.message = message
        self.timestamp = timestamp
    }

    /// The tick as storage records it after creating `runs`: with their ids, and skipped when
    /// it requested runs but every one of their run keys was used before.
    public func recording(_ runs: [Run]) -> ScheduleTick {
        var tick = self
        tick.runIDs = runs.map(\.id)
        if status == .success && runs.isEmpty {
            tick.status = .skipped
            tick.message = message ?? "every run requested has a run key used before"
        }
        return tick
    }
}
