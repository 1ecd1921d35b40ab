/// The columns of a table, shown by the UI as a table and written as markdown by IO managers.
public struct TableSchema: Hashable, Sendable, Codable {
    /// One column of a table.
    public struct Column: Hashable, Sendable, Codable {
        /// The column's name.
        public var name: String
        /// The column's type, as the storage names it (`string`, `float`, `timestamp`, ...).
        public var type: String
        /// What the column holds.
        public var description: String?

        /// Creates a column.
        public init(name: String, type: String, description: String? = nil) {
            self.name = name
            self.type = type
            self.description = description
        }
    }

    /// The columns, in order.
    public var columns: [Column]

    /// Creates a schema from its columns.
    public init(columns: [Column]) {
        self.columns = columns
    }

    /// The schema as a markdown table with `Name` and `Type` columns.
    public var markdown: String {
        var lines = ["| Name | Type |", "| ---- | ---- |"]
        for column in columns {
            lines.append("| \(column.name) | \(column.type) |")
        }
        return lines.joined(separator: "\n")
    }
}
