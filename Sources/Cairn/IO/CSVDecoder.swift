import Foundation

/// Decodes CSV text into an array of records, matching each field to the column of its name.
///
/// ```swift
/// struct Sample: Decodable { var station: String; var valid: Date; var tmpf: Double? }
/// let samples = try CSVDecoder().decode([Sample].self, from: "station,valid,tmpf\nSFO,2024-04-01 00:05,52.1\n")
/// ```
///
/// Fields may be strings, integers of any width, `Double`, `Float`, `Decimal`, `Bool` (`true`,
/// `false`, `yes`, `no`, `1`, `0`, in any case), `Date` (ISO 8601, `yyyy-MM-dd HH:mm[:ss]` or
/// `yyyy-MM-dd`; UTC unless the text gives a zone), `URL`, enums with raw values, and optionals of
/// these. An empty cell is `nil` for an optional and an error for any other type but `String`;
/// a cell written `""` is an empty string. Columns without a field are ignored; a missing column
/// is `nil` for an optional field.
public struct CSVDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes `text`, a header line followed by one line per record, as a collection of records.
    public func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try T(from: TableDecoder(table: try CSVTable(parsing: text), type: T.self))
    }
}

/// What is wrong with a CSV document, or with a value that should be read from or written to one.
public enum CSVError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The type is not a collection of records, such as a single record or a dictionary.
    case notACollection(type: String)
    /// The elements of the collection are not records with named fields.
    case notARecord(type: String)
    /// The text is not well-formed CSV.
    case malformed(line: Int, problem: String)
    /// A field of the record type has no column in the header.
    case missingColumn(String, header: [String])
    /// A cell's text is not a value of its field's type; `row` counts data rows from 1.
    case invalidValue(row: Int, line: Int, column: String, problem: String)
    /// A record could not be decoded for a reason not tied to one cell.
    case invalidRecord(row: Int, line: Int, problem: String)
    /// A field's value cannot be written to a CSV cell; `row` counts records from 1.
    case unsupportedValue(row: Int, column: String, problem: String)

    /// What went wrong, where, and how to fix it.
    public var description: String {
        switch self {
        case .notACollection(let type):
            "CSV holds an array of records (such as [\(type)]), not a single \(type)"
        case .notARecord(let type):
            "each CSV row is a record with one field per column, such as a struct with stored "
                + "properties; \(type) is not one"
        case .malformed(let line, let problem):
            "line \(line): \(problem)"
        case .missingColumn(let name, let header):
            "missing column '\(name)' (the header has: \(header.joined(separator: ", ")))"
                + NearestName.hint(for: name, among: header)
        case .invalidValue(let row, let line, let column, let problem):
            "row \(row) (line \(line)), column '\(column)': \(problem)"
        case .invalidRecord(let row, let line, let problem):
            "row \(row) (line \(line)): \(problem)"
        case .unsupportedValue(let row, let column, let problem):
            "row \(row), column '\(column)': \(problem)"
        }
    }
}

extension CSVDecoder {
    /// The text of an error thrown by a type's own `init(from:)`.
    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context), DecodingError.keyNotFound(_, let context):
            context.debugDescription
        default:
            String(describing: error)
        }
    }

    /// Decodes the whole document, which must be a collection of records.
    struct TableDecoder: Decoder {
        let table: CSVTable
        let type: Any.Type
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw CSVError.notACollection(type: String(describing: self.type))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            RowsContainer(table: table)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            throw CSVError.notACollection(type: String(describing: type))
        }
    }

    /// Hands out the rows of the document one by one, as records.
    struct RowsContainer: UnkeyedDecodingContainer {
        let table: CSVTable
        private(set) var currentIndex = 0
        var codingPath: [any CodingKey] { [] }
        var count: Int? { table.rowCount }
        var isAtEnd: Bool { currentIndex >= table.rowCount }

        init(table: CSVTable) {
            self.table = table
        }

        mutating func decodeNil() throws -> Bool { false }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let row = try nextRow(for: type)
            do {
                return try T(from: RecordDecoder(table: table, row: row, type: type))
            } catch let error as CSVError {
                throw error
            } catch {
                throw CSVError.invalidRecord(row: row + 1, line: table.rowLines[row], problem: describe(error))
            }
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { throw notARecord(type) }
        mutating func decode(_ type: String.Type) throws -> String { throw notARecord(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { throw notARecord(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { throw notARecord(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { throw notARecord(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { throw notARecord(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { throw notARecord(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { throw notARecord(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { throw notARecord(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { throw notARecord(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { throw notARecord(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { throw notARecord(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { throw notARecord(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { throw notARecord(type) }

        mutating func nestedContainer<Key: CodingKey>(
            keyedBy type: Key.Type
        ) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(RecordContainer(table: table, row: try nextRow(for: type)))
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw notARecord([String].self)
        }

        mutating func superDecoder() throws -> any Decoder {
            RecordDecoder(table: table, row: try nextRow(for: Any.self), type: Any.self)
        }

        private mutating func nextRow(for type: Any.Type) throws -> Int {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(
                    type,
                    DecodingError.Context(codingPath: [], debugDescription: "all \(table.rowCount) rows are decoded"))
            }
            defer { currentIndex += 1 }
            return currentIndex
        }

        private func notARecord(_ type: Any.Type) -> CSVError {
            .notARecord(type: String(describing: type))
        }
    }

    /// Decodes one row as a record.
    struct RecordDecoder: Decoder {
        let table: CSVTable
        let row: Int
        let type: Any.Type
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            KeyedDecodingContainer(RecordContainer(table: table, row: row))
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw CSVError.notARecord(type: String(describing: type))
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            throw CSVError.notARecord(type: String(describing: type))
        }
    }

    /// The cells of one row, by column name.
    struct RecordContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let table: CSVTable
        let row: Int
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { table.header.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool {
            table.columnIndex[key.stringValue] != nil
        }

        private func cell(_ key: Key) throws -> Cell {
            guard let column = table.columnIndex[key.stringValue] else {
                throw CSVError.missingColumn(key.stringValue, header: table.header)
            }
            return Cell(table: table, row: row, column: column)
        }

        func decodeNil(forKey key: Key) throws -> Bool { try cell(key).isMissing }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try cell(key).bool() }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try cell(key).string() }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try cell(key).number(type) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try cell(key).number(type) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try cell(key).integer(type) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try cell(key).integer(type) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try cell(key).integer(type) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try cell(key).integer(type) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try cell(key).integer(type) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try cell(key).integer(type) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try cell(key).integer(type) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try cell(key).integer(type) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try cell(key).integer(type) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try cell(key).integer(type) }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try cell(key).decode(type, key: key)
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            throw try cell(key).nestedValueError(type: nil)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            throw try cell(key).nestedValueError(type: nil)
        }

        func superDecoder() throws -> any Decoder {
            RecordDecoder(table: table, row: row, type: Any.self)
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            CellDecoder(cell: try cell(key), key: key, type: Any.self)
        }
    }

    /// Decodes the value of one cell, for types that decode themselves from a single value.
    struct CellDecoder: Decoder {
        let cell: Cell
        let key: any CodingKey
        let type: Any.Type
        var codingPath: [any CodingKey] { [key] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            throw cell.nestedValueError(type: self.type)
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            throw cell.nestedValueError(type: type)
        }

        func singleValueContainer() throws -> any SingleValueDecodingContainer {
            CellContainer(cell: cell, key: key)
        }
    }

    /// The single value of one cell.
    struct CellContainer: SingleValueDecodingContainer {
        let cell: Cell
        let key: any CodingKey
        var codingPath: [any CodingKey] { [key] }

        func decodeNil() -> Bool { cell.isMissing }
        func decode(_ type: Bool.Type) throws -> Bool { try cell.bool() }
        func decode(_ type: String.Type) throws -> String { cell.string() }
        func decode(_ type: Double.Type) throws -> Double { try cell.number(type) }
        func decode(_ type: Float.Type) throws -> Float { try cell.number(type) }
        func decode(_ type: Int.Type) throws -> Int { try cell.integer(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try cell.integer(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try cell.integer(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try cell.integer(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try cell.integer(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try cell.integer(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try cell.integer(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try cell.integer(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try cell.integer(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try cell.integer(type) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try cell.decode(type, key: key) }
    }

    /// One cell of the table, with the conversions of its text to the types of fields.
    struct Cell {
        let table: CSVTable
        let row: Int
        let column: Int

        private var index: Int { table.cellIndex(row: row, column: column) }

        /// Whether the cell is empty and not written `""`.
        var isMissing: Bool { table.isMissing(index) }

        func string() -> String {
            table.string(index)
        }

        func bool() throws -> Bool {
            switch trimmed().lowercased() {
            case "true", "yes", "1": return true
            case "false", "no", "0": return false
            default: throw mismatch("true, false, yes, no, 1 or 0")
            }
        }

        func integer<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
            if let value: Integer = withTrimmedBytes({ Self.parseInteger($0) }) {
                return value
            }
            if let number = Double(trimmed()) {
                if let value = Integer(exactly: number) {
                    return value
                }
                if number.rounded() == number {
                    throw mismatch("an integer from \(Integer.min) to \(Integer.max) (\(Integer.self))")
                }
            }
            throw mismatch("an integer")
        }

        func number<Number: BinaryFloatingPoint & LosslessStringConvertible>(_ type: Number.Type) throws -> Number {
            guard let value = Number(trimmed()) else { throw mismatch("a number") }
            return value
        }

        func decode<T: Decodable>(_ type: T.Type, key: any CodingKey) throws -> T {
            if T.self == Date.self {
                guard let date = withTrimmedBytes(ISO8601Timestamp.parse) else {
                    throw mismatch("a date such as 2024-04-01, 2024-04-01 13:05 or 2024-04-01T13:05:00Z")
                }
                return date as! T
            }
            if T.self == URL.self {
                let text = trimmed()
                guard !text.isEmpty, let url = URL(string: text) else { throw mismatch("a URL") }
                return url as! T
            }
            if T.self == Decimal.self {
                return try decimal() as! T
            }
            do {
                return try T(from: CellDecoder(cell: self, key: key, type: type))
            } catch let error as CSVError {
                throw error
            } catch {
                if let values = Self.rawValues(of: type) {
                    throw mismatch("one of \(values) (\(type))")
                }
                throw self.error(describe(error))
            }
        }

        private func decimal() throws -> Decimal {
            let text = trimmed()
            let allowed = text.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")]
                        .contains(byte)
            }
            guard allowed, Double(text) != nil, let value = Decimal(string: text) else {
                throw mismatch("a decimal number")
            }
            return value
        }

        func nestedValueError(type: Any.Type?) -> CSVError {
            let subject = type.map { "a \($0) holds nested values" } ?? "the field holds nested values"
            return error("\(subject), but a CSV cell holds a single value; flatten the record")
        }

        private func error(_ problem: String) -> CSVError {
            .invalidValue(row: row + 1, line: table.rowLines[row], column: table.header[column], problem: problem)
        }

        /// The error for a cell whose text is not `expectation`.
        private func mismatch(_ expectation: String) -> CSVError {
            let text = string()
            if text.isEmpty {
                return error("expected \(expectation), got an empty cell; make the field optional to allow empty cells")
            }
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return error("expected \(expectation), got \"\(shown)\"")
        }

        private func trimmed() -> String {
            withTrimmedBytes { String(decoding: $0, as: UTF8.self) }
        }

        /// Calls `body` with the cell's bytes without leading and trailing spaces and tabs.
        private func withTrimmedBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
            table.withBytes(of: index) { bytes in
                var start = 0
                var end = bytes.count
                while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") {
                    start += 1
                }
                while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") {
                    end -= 1
                }
                return body(UnsafeBufferPointer(rebasing: bytes[start..<end]))
            }
        }

        /// The integer written in decimal digits with an optional sign, or `nil` if it is not one or overflows.
        private static func parseInteger<Integer: FixedWidthInteger>(_ bytes: UnsafeBufferPointer<UInt8>) -> Integer? {
            var index = 0
            let negative = bytes.first == UInt8(ascii: "-")
            if negative || bytes.first == UInt8(ascii: "+") {
                index = 1
            }
            guard index < bytes.count else { return nil }
            var value: Integer = 0
            while index < bytes.count {
                let digit = bytes[index] &- UInt8(ascii: "0")
                guard digit < 10 else { return nil }
                let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
                let (next, carry) =
                    negative
                    ? shifted.subtractingReportingOverflow(Integer(digit))
                    : shifted.addingReportingOverflow(Integer(digit))
                guard !overflow, !carry else { return nil }
                value = next
                index += 1
            }
            return value
        }

        /// The raw values of an enum that lists its cases, for error messages.
        private static func rawValues(of type: Any.Type) -> String? {
            guard let type = type as? any (CaseIterable & RawRepresentable).Type else { return nil }
            return listRawValues(of: type)
        }

        private static func listRawValues<Enum: CaseIterable & RawRepresentable>(of type: Enum.Type) -> String {
            let values = type.allCases.map { "\($0.rawValue)" }
            let shown = values.prefix(12).joined(separator: ", ")
            return values.count > 12 ? shown + ", …" : shown
        }
    }
}
