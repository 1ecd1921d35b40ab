/// Storage of declarative automation: the cursor with each asset's state, the evaluation history
/// of each asset, and the ticks that store them with their runs.
public protocol AutomationStorage: Sendable {
    /// The stored cursor, with the state of every asset; `AutomationCursor.initial` before the
    /// first tick.
    func automationCursor() async throws -> AutomationCursor

    /// In one transaction, only if the stored cursor's `evaluationID` is still the tick's
    /// `previousEvaluationID`: stores the new cursor (its header and the states of the changed
    /// assets), the evaluations, and the runs. Returns `false`, storing nothing, when another
    /// process stored a tick first.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run's id exists, storing nothing.
    func storeAutomationTick(_ tick: AutomationTick) async throws -> Bool

    /// The latest evaluation of each of the given assets that has one.
    func latestAutomationEvaluations(of keys: [AssetKey]) async throws -> [AssetKey: AutomationEvaluation]

    /// The evaluations of one asset, newest first, with an `evaluationID` below `cursor` when
    /// given, at most `limit`.
    func automationEvaluations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws
        -> [AutomationEvaluation]
}
