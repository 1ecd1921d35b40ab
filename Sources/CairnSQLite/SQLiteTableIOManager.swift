import Cairn
import Foundation
import GRDB
import Synchronization

/// Stores arrays of flat records as tables in a SQLite database, one table per asset, so other
/// tools can query them with SQL and downstream assets load them back.
///
/// ```swift
/// let orders = Asset("warehouse/orders", io: .sqliteTable(path: "warehouse.sqlite")) { _ in
///     try await fetchOrders()  // [Order]
/// }
/// // sqlite3 warehouse.sqlite 'SELECT count(*) FROM warehouse__orders'
/// ```
///
/// The table of an asset is named after its key, with `__` between the components
/// (`warehouse/orders` is `warehouse__orders`). Its columns are the fields of the records: integers
/// and `Bool` (0 or 1) are `INTEGER`, `Double` and `Float` `REAL`, `String`, `URL` and `Decimal`
/// `TEXT`, `Date` `TEXT` in ISO 8601 (UTC, milliseconds: `2024-04-01T13:05:00.250Z`), `Data`
/// `BLOB`, `nil` `NULL`; enums with raw values and `UUID` are stored as their raw value or text.
/// Nested structs and arrays are not supported: flatten them, or store them as JSON text.
///
/// A new value is written into a new table in one transaction that then replaces the old table,
/// so readers see the old rows or the new ones, never half a table; views over the table keep
/// working. The columns are inferred from the first 1,000 records (a field that only later
/// records have is added as a column when it appears); each record is inserted as soon as it is
/// encoded, with one prepared statement, and loaded rows are decoded one at a time from a
/// cursor, so no second copy of the data is held in memory. The file is opened in WAL mode on
/// first use, together with its directory; keep it apart from Cairn's own database.
///
/// Each partition of a partitioned asset has a table of its own, named after the asset's table
/// with the partition key in brackets (`daily_sales[2024-01-05]`), so runs of different partitions
/// never replace each other's rows.
///
/// Keys map to table names one way only: `a/b__c` and `a__b/c` share the table `a__b__c`.
public struct SQLiteTableIOManager: IOManager {
    /// The absolute path of the database file.
    public let path: String
    private let connection: Connection

    /// Creates an IO manager storing in the database at `path`, resolved against the current
    /// working directory now and created, with its directory, on first use.
    public init(path: String) {
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
        connection = Connection(path: self.path)
    }

    /// The name of the table that holds an asset's value: its key's components joined by `__`,
    /// followed by the partition key in brackets for a partition.
    public static func tableName(for key: AssetKey, partition: PartitionKey? = nil) -> String {
        key.path.joined(separator: "__") + (partition.map { "[\($0)]" } ?? "")
    }

    /// Writes the records as a new table that replaces the asset's table, and reports the path,
    /// the table, the row count and the columns with their SQLite types (`?` where `NULL` occurs).
    public func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata
    {
        let table = Self.tableName(for: context.assetKey, partition: context.partitionKey)
        let pool = try connection.open()
        let written: (rowCount: Int, schema: TableSchema)
        do {
            written = try await pool.write { db in
                let writer = try SQLiteTableWriter(db: db, table: table)
                _ = try SQLiteRecordEncoder.encode(value) { fields, row in
                    try writer.add(fields, row: row)
                }
                let schema = try writer.finish()
                return (writer.rowCount, schema)
            }
        } catch let reason as SQLiteTableError.Reason {
            throw SQLiteTableError.unwritable(context.assetKey, path: path, table: table, reason: reason)
        }
        var metadata: Metadata = [
            "path": .path(path), "table": .text(table), "row_count": .int(written.rowCount),
        ]
        if !written.schema.columns.isEmpty {
            metadata["schema"] = .tableSchema(written.schema)
        }
        return metadata
    }

    /// Reads the asset's table and decodes its rows, by column name, into an array of records.
    public func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
        let table = Self.tableName(for: context.assetKey, partition: context.partitionKey)
        let missing = IOManagerError.missingValue(context.assetKey, location: "\(path) table \(table)")
        guard let pool = try connection.openIfExists() else { throw missing }
        do {
            return try await pool.read { db in
                guard try db.hasTable(table) else { throw missing }
                let select = "SELECT * FROM \(table.quotedIdentifier)"
                let columns = try db.makeStatement(sql: select).columnNames.map { $0.lowercased() }
                // The rows in the order they were inserted, unless columns hide every name of the rowid.
                let rowid = ["rowid", "_rowid_", "oid"].first { !columns.contains($0) }
                let statement = try db.makeStatement(sql: select + (rowid.map { " ORDER BY \($0)" } ?? ""))
                let rows = try Row.fetchCursor(statement)
                return try SQLiteRowDecoder(cursor: rows, columns: statement.columnNames).decode(Value.self)
            }
        } catch let reason as SQLiteTableError.Reason {
            throw SQLiteTableError.unreadable(context.assetKey, path: path, table: table, reason: reason)
        }
    }
}

/// The connection pool of one `SQLiteTableIOManager`, opened on first use and kept open.
private final class Connection: Sendable {
    let path: String
    private let pool = Mutex<DatabasePool?>(nil)

    init(path: String) {
        self.path = path
    }

    /// The open pool, opening the database and creating its file and directory if needed.
    func open() throws -> DatabasePool {
        try pool.withLock { pool in
            if let pool {
                return pool
            }
            let opened = try Self.open(path)
            pool = opened
            return opened
        }
    }

    /// The open pool, or `nil` when the database file does not exist, which is not created then.
    func openIfExists() throws -> DatabasePool? {
        if let pool = pool.withLock({ $0 }) {
            return pool
        }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try open()
    }

    private static func open(_ path: String) throws -> DatabasePool {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SQLiteTableError.cannotOpen(
                path: path, reason: "cannot create the directory \(directory.path): \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.label = "SQLiteTableIOManager"
        // Writing a large table takes a while; another process writing the same file waits for it.
        configuration.busyMode = .timeout(60)
        configuration.prepareDatabase { db in
            // GRDB enables WAL for a pool; NORMAL syncs at checkpoints, not at every commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            return try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw SQLiteTableError.cannotOpen(path: path, reason: "\(error)")
        }
    }
}

extension Optional where Wrapped == any IOManager {
    /// Stores each value as a table in the SQLite database at `path` (`warehouse/orders` in `warehouse__orders`).
    public static func sqliteTable(path: String) -> Self { SQLiteTableIOManager(path: path) }
}
