extension InMemoryStorage {
    /// The stored cursor; `AutomationCursor.initial` before the first tick.
    public func automationCursor() async throws -> AutomationCursor {
        state.withLock { $0.automationCursor }
    }

    /// Stores the tick's cursor, evaluations and runs at once, if the stored cursor is the one the
    /// tick started from.
    public func storeAutomationTick(_ tick: AutomationTick) async throws -> Bool {
        try state.withLock { state in
            guard state.automationCursor.evaluationID == tick.previousEvaluationID else { return false }
            var ids: Set<RunID> = []
            for run in tick.runs where state.runs[run.id] != nil || !ids.insert(run.id).inserted {
                throw StorageError.duplicateRun(run.id)
            }
            for run in tick.runs { try state.add(run) }
            var cursor = state.automationCursor
            cursor.evaluationID = tick.cursor.evaluationID
            cursor.lastEventID = tick.cursor.lastEventID
            cursor.evaluatedAt = tick.cursor.evaluatedAt
            for key in tick.changedAssets {
                if let asset = tick.cursor.assets[key] { cursor.assets[key] = asset }
            }
            state.automationCursor = cursor
            for evaluation in tick.evaluations {
                state.automationEvaluations[evaluation.assetKey, default: []].append(evaluation)
            }
            return true
        }
    }

    /// The latest evaluation of each of the given assets that has one.
    public func latestAutomationEvaluations(of keys: [AssetKey]) async throws -> [AssetKey: AutomationEvaluation] {
        state.withLock { state in
            var result: [AssetKey: AutomationEvaluation] = [:]
            for key in keys {
                if let latest = state.automationEvaluations[key]?.last { result[key] = latest }
            }
            return result
        }
    }

    /// The evaluations of one asset, newest first, before `cursor`, at most `limit`.
    public func automationEvaluations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws
        -> [AutomationEvaluation]
    {
        state.withLock { state in
            Array(
                (state.automationEvaluations[key] ?? []).reversed()
                    .filter { evaluation in cursor.map { evaluation.evaluationID < $0 } ?? true }
                    .prefix(max(limit, 0)))
        }
    }
}
