import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// Stores a new backfill and all its runs with their tags in one transaction, with statements
    /// prepared once; stores nothing when the backfill or one of the runs exists.
    public func addBackfill(_ backfill: Backfill, runs: [Run]) async throws {
        let encoder = StoredJSON.makeEncoder()
        let row = try EncodedBackfill(backfill, encoder: encoder)
        let runRows = try runs.map { try EncodedRun($0, encoder: encoder) }
        try await pool.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO backfills (\(Self.backfillColumns)) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO NOTHING
                    """
            ).execute(arguments: row.arguments)
            guard db.changesCount > 0 else { throw StorageError.duplicateBackfill(backfill.id) }
            try self.insert(runRows, db)
        }
    }

    /// The backfill with this id, or `nil`.
    public func backfill(_ id: BackfillID) async throws -> Backfill? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT \(Self.backfillColumns) FROM backfills WHERE id = ?"),
                arguments: [id.rawValue]
            ).map(self.decodeBackfill)
        }
    }

    /// Backfills, newest first, at most `limit`, after the backfill `cursor` in that order.
    public func backfills(limit: Int, after cursor: BackfillID?) async throws -> [Backfill] {
        let sql: String
        let arguments: StatementArguments
        if let cursor {
            sql = """
                SELECT \(Self.backfillColumns) FROM backfills
                WHERE seq < (SELECT seq FROM backfills WHERE id = ?) ORDER BY seq DESC LIMIT ?
                """
            arguments = [cursor.rawValue, max(limit, 0)]
        } else {
            sql = "SELECT \(Self.backfillColumns) FROM backfills ORDER BY seq DESC LIMIT ?"
            arguments = [max(limit, 0)]
        }
        return try await pool.read { db in
            try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map(self.decodeBackfill)
        }
    }

    /// Replaces a stored backfill's record.
    ///
    /// - Throws: `StorageError.unknownBackfill` when no backfill has its id.
    public func updateBackfill(_ backfill: Backfill) async throws {
        let row = try EncodedBackfill(backfill, encoder: StoredJSON.makeEncoder())
        try await pool.write { db in
            try db.cachedStatement(
                sql: """
                    UPDATE backfills SET (\(Self.backfillColumns)) = (?, ?, ?, ?, ?, ?)
                    WHERE id = ?
                    """
            ).execute(arguments: row.arguments + [backfill.id.rawValue])
            guard db.changesCount > 0 else { throw StorageError.unknownBackfill(backfill.id) }
        }
    }

    /// The columns `decodeBackfill` reads and `EncodedBackfill` writes, in order.
    private static let backfillColumns = "id, status, created_at, ended_at, run_config, body"

    /// A backfill from a row of `backfillColumns`.
    private func decodeBackfill(_ row: Row) throws -> Backfill {
        let id = BackfillID(row[0] as String)
        let statusName: String = row[1]
        guard let status = BackfillStatus(rawValue: statusName) else {
            throw unreadable("backfill \(id) has status '\(statusName)', unknown to this version of Cairn")
        }
        let body = try decode(StoredBackfillBody.self, from: row[5], "the body of backfill \(id)")
        return body.backfill(
            id: id, status: status, createdAt: Date(timeIntervalSince1970: row[2]),
            endedAt: (row[3] as Double?).map(Date.init(timeIntervalSince1970:)),
            runConfig: try (row[4] as String?).map {
                try decode(JSONValue.self, from: $0, "the run config of backfill \(id)")
            })
    }
}

/// A backfill's values for the columns `backfillColumns`, encoded before a write.
private struct EncodedBackfill: Sendable {
    /// The values, in the order of the columns.
    let values: [DatabaseValue]

    /// Encodes `backfill`; its run config has its own column, as in `runs`, so that a JSON `null`
    /// config stays distinct from none.
    init(_ backfill: Backfill, encoder: JSONEncoder) throws {
        let runConfig = try backfill.runConfig.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        let body = String(decoding: try encoder.encode(StoredBackfillBody(backfill)), as: UTF8.self)
        values = [
            backfill.id.rawValue.databaseValue, backfill.status.rawValue.databaseValue,
            backfill.createdAt.timeIntervalSince1970.databaseValue,
            backfill.endedAt?.timeIntervalSince1970.databaseValue ?? .null, runConfig?.databaseValue ?? .null,
            body.databaseValue,
        ]
    }

    /// The values as statement arguments.
    var arguments: StatementArguments { StatementArguments(values) }
}
