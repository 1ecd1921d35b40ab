import Foundation

/// A slot of a concurrency pool held by one step of one run.
public struct PoolClaim: Hashable, Sendable {
    /// The run whose step holds the slot.
    public var runID: RunID
    /// The step holding the slot.
    public var stepKey: String
    /// When the step claimed the slot.
    public var claimedAt: Date

    /// Creates a claim.
    public init(runID: RunID, stepKey: String, claimedAt: Date) {
        self.runID = runID
        self.stepKey = stepKey
        self.claimedAt = claimedAt
    }
}
