import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// Stores a new backfill and all its runs with their tags in one transaction; stores nothing
    /// when the backfill or one of the runs exists.
    public func addBackfill(_ backfill: Backfill, runs: [Run]) async throws {
        let encoder = StoredJSON.makeEncoder()
        let body = try StoredJSON.text(StoredBackfillBody(backfill), encoder: encoder)
        let runConfig = try backfill.runConfig.map { try StoredJSON.text($0, encoder: encoder) }
        let runRows = try runs.map { try EncodedRun($0, encoder: encoder) }
        try await transaction { connection in
            let inserted = try await connection.query(
                """
                INSERT INTO backfills (id, status, created_at, ended_at, run_config, body)
                VALUES (\(backfill.id.rawValue), \(backfill.status.rawValue), \(backfill.createdAt.timeIntervalSince1970),
                    \(backfill.endedAt?.timeIntervalSince1970), \(runConfig), \(body))
                ON CONFLICT (id) DO NOTHING RETURNING 1
                """, logger: Self.logger
            ).collect()
            guard !inserted.isEmpty else { throw StorageError.duplicateBackfill(backfill.id) }
            try await self.insert(runRows, on: connection)
        }
    }

    /// The backfill with this id, or `nil`.
    public func backfill(_ id: BackfillID) async throws -> Backfill? {
        try await rows("SELECT \(unescaped: Self.backfillColumns) FROM backfills WHERE id = \(id.rawValue)")
            .first.map(decodeBackfill)
    }

    /// Backfills, newest first, at most `limit`, after the backfill `cursor` in that order; none
    /// after a cursor that names no backfill, as in SQLite.
    public func backfills(limit: Int, after cursor: BackfillID?) async throws -> [Backfill] {
        guard let cursor else {
            return try await rows(
                "SELECT \(unescaped: Self.backfillColumns) FROM backfills ORDER BY seq DESC LIMIT \(max(limit, 0))"
            ).map(decodeBackfill)
        }
        return try await rows(
            """
            SELECT \(unescaped: Self.backfillColumns) FROM backfills
            WHERE seq < (SELECT seq FROM backfills WHERE id = \(cursor.rawValue))
            ORDER BY seq DESC LIMIT \(max(limit, 0))
            """
        ).map(decodeBackfill)
    }

    /// Replaces a stored backfill's record.
    ///
    /// - Throws: `StorageError.unknownBackfill` when no backfill has its id.
    public func updateBackfill(_ backfill: Backfill) async throws {
        let encoder = StoredJSON.makeEncoder()
        let body = try StoredJSON.text(StoredBackfillBody(backfill), encoder: encoder)
        let runConfig = try backfill.runConfig.map { try StoredJSON.text($0, encoder: encoder) }
        let updated = try await rows(
            """
            UPDATE backfills SET status = \(backfill.status.rawValue),
                created_at = \(backfill.createdAt.timeIntervalSince1970),
                ended_at = \(backfill.endedAt?.timeIntervalSince1970), run_config = \(runConfig), body = \(body)
            WHERE id = \(backfill.id.rawValue) RETURNING 1
            """)
        guard !updated.isEmpty else { throw StorageError.unknownBackfill(backfill.id) }
    }

    /// The columns `decodeBackfill` reads, in order.
    private static let backfillColumns = "id, status, created_at, ended_at, run_config, body"

    /// A backfill from a row of `backfillColumns`.
    private func decodeBackfill(_ row: PostgresRow) throws -> Backfill {
        let (idText, statusName, created, ended, runConfig, bodyText) = try row.decode(
            (String, String, Double, Double?, String?, String).self, context: .default)
        let id = BackfillID(idText)
        guard let status = BackfillStatus(rawValue: statusName) else {
            throw unreadable("backfill \(id) has status '\(statusName)', unknown to this version of Cairn")
        }
        return try decode(StoredBackfillBody.self, from: bodyText, "the body of backfill \(id)").backfill(
            id: id, status: status, createdAt: Date(timeIntervalSince1970: created),
            endedAt: ended.map(Date.init(timeIntervalSince1970:)),
            runConfig: try runConfig.map { try decode(JSONValue.self, from: $0, "the run config of backfill \(id)") })
    }
}
