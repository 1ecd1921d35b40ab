import Cairn

/// Why `SQLiteTableIOManager` could not store an asset's value as a table, or load it back.
public enum SQLiteTableError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database file, or the directory that should hold it, could not be created or opened.
    case cannotOpen(path: String, reason: String)
    /// The asset's value cannot be stored as a table.
    case unwritable(AssetKey, path: String, table: String, reason: Reason)
    /// The table does not hold records of the type the consumer asks for.
    case unreadable(AssetKey, path: String, table: String, reason: Reason)

    /// What is wrong with a value, or with a table; rows count from 1.
    public enum Reason: Error, Sendable, Hashable, CustomStringConvertible {
        /// The type is not a collection of records, such as a single record or a dictionary.
        case notACollection(type: String)
        /// The elements of the collection are not records with named fields.
        case notARecord(type: String)
        /// A field's value cannot be stored in a column.
        case unsupportedValue(row: Int, column: String, problem: String)
        /// A field of the record type has no column in the table.
        case missingColumn(String, row: Int, columns: [String])
        /// A column's value is not a value of its field's type.
        case invalidValue(row: Int, column: String, problem: String)
        /// A record could not be decoded for a reason not tied to one column.
        case invalidRecord(row: Int, problem: String)

        /// What is wrong, where, and how to fix it.
        public var description: String {
            switch self {
            case .notACollection(let type):
                "a table holds an array of records (such as [\(type)]), not a single \(type)"
            case .notARecord(let type):
                "each row is a record with one field per column, such as a struct with stored properties; "
                    + "\(type) is not one"
            case .unsupportedValue(let row, let column, let problem):
                "row \(row), column '\(column)': \(problem)"
            case .missingColumn(let name, let row, let columns):
                "row \(row): the table has no column '\(name)' (it has: \(columns.joined(separator: ", ")))"
                    + Self.hint(for: name, among: columns)
                    + "; make the field optional, or materialize the asset again with the current code"
            case .invalidValue(let row, let column, let problem):
                "row \(row), column '\(column)': \(problem)"
            case .invalidRecord(let row, let problem):
                "row \(row): \(problem)"
            }
        }

        /// `; did you mean 'x'?` for a column whose name differs only in case or underscores.
        private static func hint(for name: String, among columns: [String]) -> String {
            let simplified = { (name: String) in name.lowercased().filter { $0 != "_" } }
            guard let match = columns.first(where: { simplified($0) == simplified(name) }) else { return "" }
            return "; did you mean '\(match)'?"
        }
    }

    /// What went wrong, with the asset, the database and the table.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the database '\(path)' of SQLiteTableIOManager: \(reason); "
                + "choose a path in a writable directory"
        case .unwritable(let key, let path, let table, let reason):
            "cannot store asset '\(key)' as table \"\(table)\" in \(path): \(reason)"
        case .unreadable(let key, let path, let table, let reason):
            "cannot load asset '\(key)' from table \"\(table)\" in \(path): \(reason)"
        }
    }
}
