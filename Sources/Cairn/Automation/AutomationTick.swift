/// What one automation tick stores, in one transaction: the new cursor (of which only the states
/// of `changedAssets` are written), the evaluations of the assets whose outcome changed or that
/// requested something, and the runs created.
public struct AutomationTick: Sendable {
    /// The tick number of the cursor the tick started from: the tick is stored only if the stored
    /// cursor still has it, so two daemons never both store a tick from one cursor.
    public var previousEvaluationID: Int64
    /// The cursor after the tick.
    public var cursor: AutomationCursor
    /// The assets whose state changed.
    public var changedAssets: Set<AssetKey>
    /// The evaluations of the assets whose outcome changed or that requested something.
    public var evaluations: [AutomationEvaluation]
    /// The runs requested, queued.
    public var runs: [Run]

    /// Creates a tick.
    public init(
        previousEvaluationID: Int64, cursor: AutomationCursor, changedAssets: Set<AssetKey>,
        evaluations: [AutomationEvaluation], runs: [Run]
    ) {
        self.previousEvaluationID = previousEvaluationID
        self.cursor = cursor
        self.changedAssets = changedAssets
        self.evaluations = evaluations
        self.runs = runs
    }
}
