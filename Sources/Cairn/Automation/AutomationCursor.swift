import Foundation

/// Where automation stands: the last event read, the tick number, and what each asset's
/// evaluation needs from the past (its updates, runs in progress, requests and the memory of its
/// `since` and `newlyTrue` nodes). A tick reads only the events after `lastEventID`.
public struct AutomationCursor: Hashable, Sendable {
    /// The number of the last stored tick; 0 before the first.
    public var evaluationID: Int64
    /// The id of the last event the state includes; `nil` before any was read.
    public var lastEventID: Int64?
    /// When the last tick ran.
    public var evaluatedAt: Date?
    /// The state of every asset automation has seen events of or evaluated.
    public var assets: [AssetKey: AutomationAssetState]

    /// Creates a cursor.
    public init(
        evaluationID: Int64 = 0, lastEventID: Int64? = nil, evaluatedAt: Date? = nil,
        assets: [AssetKey: AutomationAssetState] = [:]
    ) {
        self.evaluationID = evaluationID
        self.lastEventID = lastEventID
        self.evaluatedAt = evaluatedAt
        self.assets = assets
    }

    /// The cursor before the first tick.
    public static let initial = AutomationCursor()
}
