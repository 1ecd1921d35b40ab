import Cairn
import GRDB
import GRDBSQLite

/// Writes records into a new table, inferring its columns from the records, and then puts the
/// table in place of the old one; all inside the caller's transaction.
///
/// The first 1,000 records are held to find the columns: those of their fields, in the order the
/// fields are encoded (a field that a record lacks gets its column next to its neighbours). Then
/// the table is created and every record is inserted as it comes, with one prepared statement; a
/// field that only a later record has gets a column with `ALTER TABLE … ADD COLUMN`. No record is
/// encoded twice, and no more than those first records are held in memory.
final class SQLiteTableWriter {
    /// The number of records held to find the columns before the table is created.
    static let inferenceBatchSize = 1000
    /// The name of the only column of a table whose records have no fields, since SQLite needs one.
    static let placeholderColumn = "_cairn_no_columns"

    /// The storage class of a column's values.
    enum ColumnType: String {
        case integer = "INTEGER"
        case real = "REAL"
        case text = "TEXT"
        case blob = "BLOB"

        init?(of value: DatabaseValue) {
            switch value.storage {
            case .null: return nil
            case .int64: self = .integer
            case .double: self = .real
            case .string: self = .text
            case .blob: self = .blob
            }
        }
    }

    /// A column and what its values are.
    struct Column {
        let name: String
        /// The type of its values; `REAL` when whole and fractional numbers mix.
        var type: ColumnType?
        /// The type the table declares for it, once the column is in the table; `nil` for none.
        var declaredType: ColumnType?
        /// Its place in the table and in the insert statement, once the column is in the table.
        var position: Int?
        var nonNullCount = 0
    }

    private let db: Database
    /// The table the records are written to, put in place of `table` by `finish()`.
    let temporaryTable: String
    /// The table that holds the asset's value.
    let table: String
    private var columns: [Column] = []
    private var columnNumbers: [String: Int] = [:]
    /// The lowercased names of the columns, since SQLite compares column names without case.
    private var lowercasedNames: [String: String] = [:]
    /// The column numbers in the table's order.
    private var order: [Int] = []
    private var insert: InsertStatement?
    /// The keys and column numbers of the previous record, since records usually share their keys.
    private var previousKeys: [String] = []
    private var previousColumns: [Int] = []
    /// The records held until the table is created: their values side by side by column number,
    /// each row as wide as the columns were when it was added (later columns are `NULL` in it).
    private var heldValues: [DatabaseValue] = []
    private var heldRowEnds: [Int] = []
    /// The column numbers of the fields of the record being inserted.
    private var fieldColumns: [Int] = []
    /// The number of records added.
    private(set) var rowCount = 0

    private var isTableCreated: Bool { insert != nil }

    /// Prepares to write the records of `table` into a new table.
    init(db: Database, table: String) throws {
        self.db = db
        self.table = table
        // The new table exists only inside this transaction, so a table of that name belongs to
        // another asset (`orders/new` next to `orders`); pick a free name then.
        var name = table + "__new"
        var attempt = 1
        while try db.hasTable(name) {
            attempt += 1
            name = table + "__new\(attempt)"
        }
        temporaryTable = name
    }

    /// Adds one record; `row` counts from 1.
    func add(_ fields: SQLiteRecordEncoder.Fields, row: Int) throws {
        rowCount += 1
        if let insert {
            try insertDirectly(fields, row: row, into: insert)
        } else {
            try hold(fields, row: row)
            if heldRowEnds.count >= Self.inferenceBatchSize {
                try createTable()
            }
        }
    }

    /// Inserts the held records and puts the new table in place of the old one.
    ///
    /// - Returns: the table's columns, with their types and a `?` on those that hold `NULL`.
    func finish() throws -> TableSchema {
        if !isTableCreated {
            try createTable()
        }
        try db.execute(sql: "DROP TABLE IF EXISTS \(table.quotedIdentifier)")
        // Views over the table name it, so they read the new table as they are. A modern rename
        // would check them against the schema without the old table, and fail.
        try db.execute(sql: "PRAGMA legacy_alter_table = ON")
        defer { try? db.execute(sql: "PRAGMA legacy_alter_table = OFF") }
        try db.execute(sql: "ALTER TABLE \(temporaryTable.quotedIdentifier) RENAME TO \(table.quotedIdentifier)")
        return TableSchema(
            columns: order.map { number in
                let column = columns[number]
                let type = column.declaredType?.rawValue ?? column.type?.rawValue ?? "unknown"
                return TableSchema.Column(name: column.name, type: type + (column.nonNullCount < rowCount ? "?" : ""))
            })
    }

    /// Keeps a record until the table is created.
    private func hold(_ fields: SQLiteRecordEncoder.Fields, row: Int) throws {
        let start = heldValues.count
        heldValues.append(contentsOf: repeatElement(.null, count: columns.count))
        var previousColumn: Int?
        for index in 0..<fields.count {
            let column = try number(ofField: index, in: fields, row: row, after: previousColumn)
            if heldValues.count - start < columns.count {
                heldValues.append(contentsOf: repeatElement(.null, count: columns.count - (heldValues.count - start)))
            }
            previousColumn = column
            let value = fields.values[index]
            heldValues[start + column] = value
            try record(value, inColumn: column, row: row)
        }
        heldRowEnds.append(heldValues.count)
    }

    /// Inserts a record once the table exists, adding the columns of fields it has not seen yet.
    private func insertDirectly(_ fields: SQLiteRecordEncoder.Fields, row: Int, into insert: InsertStatement) throws {
        var insert = insert
        fieldColumns.removeAll(keepingCapacity: true)
        for index in 0..<fields.count {
            let column = try number(ofField: index, in: fields, row: row, after: nil)
            try record(fields.values[index], inColumn: column, row: row)
            if columns[column].position == nil {
                try addColumn(column)
                insert = try prepareInsert()
            }
            fieldColumns.append(column)
        }
        // Bound only now, since adding a column replaces the statement.
        try insert.clearBindings()
        for (index, column) in fieldColumns.enumerated() {
            try insert.bind(fields.values[index], at: columns[column].position!)
        }
        try insert.execute()
    }

    /// The number of the column of a record's field, adding the column if the field is new: next
    /// to the column of the record's previous field before the table is created, at the end after.
    private func number(
        ofField index: Int, in fields: SQLiteRecordEncoder.Fields, row: Int, after previous: Int?
    ) throws -> Int {
        let key = fields.keys[index]
        if index < previousKeys.count, previousKeys[index] == key {
            return previousColumns[index]
        }
        let column = try columnNumbers[key] ?? newColumn(key, row: row, after: previous)
        if index < previousKeys.count {
            previousKeys[index] = key
            previousColumns[index] = column
        } else {
            previousKeys.append(key)
            previousColumns.append(column)
        }
        return column
    }

    private func newColumn(_ key: String, row: Int, after previous: Int?) throws -> Int {
        let lowercased = key.lowercased()
        if let other = lowercasedNames[lowercased] {
            throw SQLiteTableError.Reason.unsupportedValue(
                row: row, column: key,
                problem: "SQLite does not tell column names apart by case, and there is already a column '\(other)'; "
                    + "rename one of the fields")
        }
        let number = columns.count
        columns.append(Column(name: key))
        columnNumbers[key] = number
        lowercasedNames[lowercased] = key
        if isTableCreated {
            order.append(number)
        } else if let previous, let position = order.firstIndex(of: previous) {
            order.insert(number, at: position + 1)
        } else {
            order.insert(number, at: 0)
        }
        return number
    }

    /// Counts a value of a column and checks its type: a column holds values of one type, or numbers.
    private func record(_ value: DatabaseValue, inColumn number: Int, row: Int) throws {
        guard let type = ColumnType(of: value) else { return }
        columns[number].nonNullCount += 1
        guard let known = columns[number].type else {
            columns[number].type = type
            return
        }
        if known == type || (known, type) == (.real, .integer) {
            return
        }
        if (known, type) == (.integer, .real) {
            // A column already declared INTEGER still stores a fractional value exactly, as REAL.
            columns[number].type = .real
            return
        }
        throw SQLiteTableError.Reason.unsupportedValue(
            row: row, column: columns[number].name,
            problem: "the value is \(type.rawValue), but earlier records have \(known.rawValue) values in "
                + "this column; a column holds values of one type")
    }

    /// Creates the table with the columns found so far and inserts the held records.
    private func createTable() throws {
        var definitions = order.map(definition(ofColumn:))
        if definitions.isEmpty {
            definitions = [Self.placeholderColumn.quotedIdentifier]
        }
        try db.execute(
            sql: "CREATE TABLE \(temporaryTable.quotedIdentifier) (\(definitions.joined(separator: ", ")))")
        for (position, number) in order.enumerated() {
            columns[number].position = position
            columns[number].declaredType = columns[number].type
        }
        let insert = try prepareInsert()
        var start = 0
        for end in heldRowEnds {
            try insert.clearBindings()
            for number in 0..<(end - start) where !heldValues[start + number].isNull {
                try insert.bind(heldValues[start + number], at: columns[number].position!)
            }
            try insert.execute()
            start = end
        }
        heldValues = []
        heldRowEnds = []
    }

    private func addColumn(_ number: Int) throws {
        try db.execute(
            sql: "ALTER TABLE \(temporaryTable.quotedIdentifier) ADD COLUMN \(definition(ofColumn: number))")
        columns[number].position = order.count - 1
        columns[number].declaredType = columns[number].type
    }

    /// The column's quoted name and its type, if any of its values so far is not `NULL`.
    private func definition(ofColumn number: Int) -> String {
        let column = columns[number]
        let name = column.name.quotedIdentifier
        return column.type.map { "\(name) \($0.rawValue)" } ?? name
    }

    /// Prepares the insert of one row into the columns of the table, used until a column is added.
    private func prepareInsert() throws -> InsertStatement {
        let table = temporaryTable.quotedIdentifier
        let names = order.map { columns[$0].name.quotedIdentifier }.joined(separator: ", ")
        let placeholders = Array(repeating: "?", count: order.count).joined(separator: ", ")
        let sql =
            order.isEmpty
            ? "INSERT INTO \(table) DEFAULT VALUES" : "INSERT INTO \(table) (\(names)) VALUES (\(placeholders))"
        let statement = InsertStatement(try db.makeStatement(sql: sql))
        insert = statement
        return statement
    }
}

/// A prepared insert, run once per record through SQLite's own functions.
///
/// GRDB's `execute(arguments:)` validates the arguments and notifies observers at every call,
/// which costs several microseconds per row in a debug build; the insert of a record needs only
/// a bind per field and a step.
private struct InsertStatement {
    let statement: Statement

    init(_ statement: Statement) {
        self.statement = statement
    }

    /// Sets every parameter to `NULL`.
    func clearBindings() throws {
        try check(sqlite3_clear_bindings(statement.sqliteStatement))
    }

    /// Binds a value to the parameter at `position`, counted from 0.
    func bind(_ value: DatabaseValue, at position: Int) throws {
        try check(value.bind(to: statement.sqliteStatement, at: CInt(position + 1)))
    }

    /// Inserts the row and makes the statement ready for the next one.
    func execute() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        sqlite3_reset(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            throw error(code)
        }
    }

    private func check(_ code: CInt) throws {
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: CInt) -> DatabaseError {
        let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(statement.sqliteStatement)))
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}

extension String {
    /// The string as an SQL identifier in double quotes, with its own double quotes doubled.
    var quotedIdentifier: String {
        "\"" + replacing("\"", with: "\"\"") + "\""
    }
}

extension Database {
    /// Whether the main schema has a table of that name, read from `sqlite_master` rather than
    /// from GRDB's schema cache, so a table another process just created is seen.
    func hasTable(_ name: String) throws -> Bool {
        try Bool.fetchOne(
            self, sql: "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE)",
            arguments: [name]) ?? false
    }
}
