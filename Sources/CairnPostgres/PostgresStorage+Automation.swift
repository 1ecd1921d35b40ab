import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// The stored cursor with every asset's state; `AutomationCursor.initial` before the first tick.
    public func automationCursor() async throws -> AutomationCursor {
        let (header, states) = try await transaction { connection in
            let header = try await connection.query(
                "SELECT evaluation_id, last_event_id, evaluated_at FROM automation_cursor WHERE id = 1",
                logger: Self.logger
            ).collect().first.map { try $0.decode((Int64, Int64?, Double?).self, context: .default) }
            let states = try await connection.query(
                "SELECT asset_key, state FROM automation_asset_states", logger: Self.logger
            ).collect().map { try $0.decode((String, String).self, context: .default) }
            return (header, states)
        }
        guard let (evaluationID, lastEventID, evaluatedAt) = header else { return .initial }
        var assets: [AssetKey: AutomationAssetState] = [:]
        assets.reserveCapacity(states.count)
        for (key, text) in states {
            assets[AssetKey(key)] = try decode(
                AutomationAssetState.self, from: text, "the automation state of asset '\(key)'")
        }
        return AutomationCursor(
            evaluationID: evaluationID, lastEventID: lastEventID,
            evaluatedAt: evaluatedAt.map(Date.init(timeIntervalSince1970:)), assets: assets)
    }

    /// Stores the tick's cursor, evaluations and runs in one transaction, only if the stored
    /// cursor's evaluation id is still the one the tick started from: the cursor's row is locked
    /// first, so of two daemons storing a tick at once, the second finds the first's and stores nothing.
    public func storeAutomationTick(_ tick: AutomationTick) async throws -> Bool {
        let encoder = StoredJSON.makeEncoder()
        let runs = try tick.runs.map { try EncodedRun($0, encoder: encoder) }
        let states = try tick.changedAssets.sorted { $0.description < $1.description }.compactMap { key in
            try tick.cursor.assets[key].map { (key: key.description, state: try StoredJSON.text($0, encoder: encoder)) }
        }
        let evaluations = tick.evaluations
        let texts = evaluations.map(AutomationEvaluationJSON.text(of:))
        return try await transaction { connection in
            // The row exists from the first tick on; before it, the insert of the first decides.
            try await connection.query(
                "INSERT INTO automation_cursor (id, evaluation_id) VALUES (1, 0) ON CONFLICT DO NOTHING",
                logger: Self.logger)
            let stored =
                try await connection.query(
                    "SELECT evaluation_id FROM automation_cursor WHERE id = 1 FOR UPDATE", logger: Self.logger
                ).collect().first?.decode(Int64.self) ?? 0
            guard stored == tick.previousEvaluationID else { return false }
            try await self.insert(runs, on: connection)
            try await connection.query(
                """
                UPDATE automation_cursor SET evaluation_id = \(tick.cursor.evaluationID),
                    last_event_id = \(tick.cursor.lastEventID),
                    evaluated_at = \(tick.cursor.evaluatedAt?.timeIntervalSince1970)
                WHERE id = 1
                """, logger: Self.logger)
            if !states.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO automation_asset_states (asset_key, state)
                    SELECT * FROM unnest(\(states.map(\.key))::text[], \(states.map(\.state))::text[])
                    ON CONFLICT (asset_key) DO UPDATE SET state = excluded.state
                    """, logger: Self.logger)
            }
            if !evaluations.isEmpty {
                try await connection.query(
                    """
                    INSERT INTO automation_evaluations (asset_key, evaluation_id, timestamp, evaluation)
                    SELECT * FROM unnest(\(evaluations.map(\.assetKey.description))::text[],
                        \(evaluations.map(\.evaluationID))::int8[],
                        \(evaluations.map(\.timestamp.timeIntervalSince1970))::float8[], \(texts)::text[])
                    """, logger: Self.logger)
            }
            return true
        }
    }

    /// The latest evaluation of each of the given assets that has one, in one query.
    public func latestAutomationEvaluations(of keys: [AssetKey]) async throws -> [AssetKey: AutomationEvaluation] {
        guard !keys.isEmpty else { return [:] }
        let texts = try await rows(
            """
            SELECT a.evaluation FROM unnest(\(keys.map(\.description))::text[]) AS k(key)
            CROSS JOIN LATERAL (
                SELECT evaluation FROM automation_evaluations WHERE asset_key = k.key
                ORDER BY evaluation_id DESC LIMIT 1) AS a
            """
        ).map { try $0.decode(String.self) }
        var result: [AssetKey: AutomationEvaluation] = [:]
        for text in texts {
            let evaluation = try decode(AutomationEvaluation.self, from: text, "an automation evaluation")
            result[evaluation.assetKey] = evaluation
        }
        return result
    }

    /// The evaluations of one asset, newest first, before `cursor`, at most `limit`.
    public func automationEvaluations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws
        -> [AutomationEvaluation]
    {
        try await rows(
            """
            SELECT evaluation FROM automation_evaluations
            WHERE asset_key = \(key.description) AND evaluation_id < \(cursor ?? Int64.max)
            ORDER BY evaluation_id DESC LIMIT \(max(limit, 0))
            """
        ).map {
            try decode(
                AutomationEvaluation.self, from: try $0.decode(String.self),
                "an automation evaluation of asset '\(key)'")
        }
    }
}
