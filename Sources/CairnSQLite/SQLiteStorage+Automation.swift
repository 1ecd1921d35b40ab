import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// The stored cursor with every asset's state; `AutomationCursor.initial` before the first tick.
    public func automationCursor() async throws -> AutomationCursor {
        let (header, rows) = try await pool.read { db -> (Header?, [(key: String, state: String)]) in
            let header = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT evaluation_id, last_event_id, evaluated_at FROM automation_cursor WHERE id = 1")
            ).map { Header(evaluationID: $0[0], lastEventID: $0[1], evaluatedAt: $0[2]) }
            let rows = try Row.fetchAll(db.cachedStatement(sql: "SELECT asset_key, state FROM automation_asset_states"))
                .map { (key: $0[0] as String, state: $0[1] as String) }
            return (header, rows)
        }
        guard let header else { return .initial }
        let decoder = JSONDecoder()
        var assets: [AssetKey: AutomationAssetState] = [:]
        assets.reserveCapacity(rows.count)
        for (key, text) in rows {
            do {
                assets[AssetKey(key)] = try decoder.decode(AutomationAssetState.self, from: Data(text.utf8))
            } catch {
                throw unreadable("cannot decode the automation state of asset '\(key)': \(error)")
            }
        }
        return AutomationCursor(
            evaluationID: header.evaluationID, lastEventID: header.lastEventID,
            evaluatedAt: header.evaluatedAt.map(Date.init(timeIntervalSince1970:)), assets: assets)
    }

    /// The row of `automation_cursor`.
    private struct Header: Sendable {
        let evaluationID: Int64
        let lastEventID: Int64?
        let evaluatedAt: Double?
    }

    /// Stores the tick's cursor, evaluations and runs in one write transaction, only if the
    /// stored cursor's evaluation id is still the one the tick started from.
    public func storeAutomationTick(_ tick: AutomationTick) async throws -> Bool {
        let encoder = StoredJSON.makeEncoder()
        let runs = try tick.runs.map { try EncodedRun($0, encoder: encoder) }
        let states = try tick.changedAssets.sorted { $0.description < $1.description }.compactMap { key in
            try tick.cursor.assets[key].map {
                (key: key.description, state: String(decoding: try encoder.encode($0), as: UTF8.self))
            }
        }
        let evaluations = tick.evaluations.map { (evaluation: $0, text: AutomationEvaluationJSON.text(of: $0)) }
        return try await pool.write { db in
            let stored =
                try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT evaluation_id FROM automation_cursor WHERE id = 1")) ?? 0
            guard stored == tick.previousEvaluationID else { return false }
            try self.insert(runs, db)
            try db.cachedStatement(
                sql: """
                    INSERT INTO automation_cursor (id, evaluation_id, last_event_id, evaluated_at) VALUES (1, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET evaluation_id = excluded.evaluation_id,
                        last_event_id = excluded.last_event_id, evaluated_at = excluded.evaluated_at
                    """
            ).execute(arguments: [
                tick.cursor.evaluationID, tick.cursor.lastEventID, tick.cursor.evaluatedAt?.timeIntervalSince1970,
            ])
            let upsert = try db.cachedStatement(
                sql: """
                    INSERT INTO automation_asset_states (asset_key, state) VALUES (?, ?)
                    ON CONFLICT (asset_key) DO UPDATE SET state = excluded.state
                    """)
            for (key, state) in states { try upsert.execute(arguments: [key, state]) }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO automation_evaluations (asset_key, evaluation_id, timestamp, evaluation)
                    VALUES (?, ?, ?, ?)
                    """)
            for (evaluation, text) in evaluations {
                try insert.execute(arguments: [
                    evaluation.assetKey.description, evaluation.evaluationID,
                    evaluation.timestamp.timeIntervalSince1970, text,
                ])
            }
            return true
        }
    }

    /// The latest evaluation of each of the given assets that has one, in one query.
    public func latestAutomationEvaluations(of keys: [AssetKey]) async throws -> [AssetKey: AutomationEvaluation] {
        guard !keys.isEmpty else { return [:] }
        let keyList = try json(keys.map(\.description))
        let texts = try await pool.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT (SELECT evaluation FROM automation_evaluations AS a
                                WHERE a.asset_key = k.value ORDER BY a.evaluation_id DESC LIMIT 1)
                        FROM json_each(?) AS k
                        WHERE EXISTS (SELECT 1 FROM automation_evaluations AS a WHERE a.asset_key = k.value)
                        """),
                arguments: [keyList])
        }
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
        let texts = try await pool.read { db in
            try String.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT evaluation FROM automation_evaluations
                        WHERE asset_key = ? AND evaluation_id < ? ORDER BY evaluation_id DESC LIMIT ?
                        """),
                arguments: [key.description, cursor ?? Int64.max, max(limit, 0)])
        }
        return try texts.map {
            try decode(AutomationEvaluation.self, from: $0, "an automation evaluation of asset '\(key)'")
        }
    }
}
