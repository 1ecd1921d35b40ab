import Cairn
import Foundation
import GRDB

/// Decodes the rows of a table into a collection of records, one row at a time as a cursor steps
/// through them, matching each field to the column of its name.
///
/// Reads the values `SQLiteRecordEncoder` writes: integers and `Bool` (`0` or `1`) from
/// `INTEGER`, `Double` and `Float` from `REAL` or `INTEGER`, `String`, `URL`, `Decimal` and `Date`
/// (ISO 8601, `ISO8601Timestamp`) from `TEXT`, `Data` from `BLOB`, and types that decode
/// themselves from one of these. `NULL` is `nil` for an optional field; a missing column is `nil`
/// for an optional field and an error otherwise.
struct SQLiteRowDecoder {
    private let rows: Rows

    /// Prepares to decode the rows of `cursor`, whose columns are named `columns`.
    init(cursor: RowCursor, columns: [String]) {
        rows = Rows(cursor: cursor, columns: columns)
    }

    /// Decodes the rows as a `T`, a collection of records.
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let value = try T(from: TableDecoder(rows: rows, type: type))
        if let error = rows.error {
            throw error
        }
        return value
    }

    /// The text of an error thrown by a type's own `init(from:)`.
    fileprivate static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted(let context), DecodingError.typeMismatch(_, let context),
            DecodingError.valueNotFound(_, let context), DecodingError.keyNotFound(_, let context):
            context.debugDescription
        default:
            String(describing: error)
        }
    }
}

/// The cursor over the rows, the current row, and where its columns are.
private final class Rows {
    let cursor: RowCursor
    let columns: [String]
    private let numbers: [String: Int]
    private let lowercasedNumbers: [String: Int]
    /// The row the cursor is on; the cursor reuses one `Row`, valid until it steps again.
    private var next: Row?
    private var hasNext = false
    /// The number of the row being decoded, from 1.
    private(set) var rowNumber = 0
    /// The error the cursor threw while looking for the next row, thrown when decoding ends.
    private(set) var error: (any Error)?

    init(cursor: RowCursor, columns: [String]) {
        self.cursor = cursor
        self.columns = columns
        var numbers: [String: Int] = [:]
        var lowercasedNumbers: [String: Int] = [:]
        for (number, name) in columns.enumerated() {
            if numbers[name] == nil { numbers[name] = number }
            if lowercasedNumbers[name.lowercased()] == nil { lowercasedNumbers[name.lowercased()] = number }
        }
        self.numbers = numbers
        self.lowercasedNumbers = lowercasedNumbers
    }

    /// The number of the column of a field, matched as SQLite does: exactly, or else ignoring case.
    func number(of key: some CodingKey) -> Int? {
        numbers[key.stringValue] ?? lowercasedNumbers[key.stringValue.lowercased()]
    }

    var isAtEnd: Bool {
        if !hasNext {
            hasNext = true
            do {
                next = try cursor.next()
            } catch {
                self.error = error
                next = nil
            }
        }
        return next == nil
    }

    /// Moves on to the next row and returns it.
    func advance(for type: Any.Type) throws -> Row {
        guard !isAtEnd, let row = next else {
            if let error { throw error }
            throw DecodingError.valueNotFound(
                type, DecodingError.Context(codingPath: [], debugDescription: "all \(rowNumber) rows are decoded"))
        }
        hasNext = false
        rowNumber += 1
        return row
    }
}

/// Decodes the whole table, which must be requested as a collection of records.
private struct TableDecoder: Decoder {
    let rows: Rows
    let type: Any.Type
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw SQLiteTableError.Reason.notACollection(type: String(describing: self.type))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        RowsContainer(rows: rows)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw SQLiteTableError.Reason.notACollection(type: String(describing: type))
    }
}

/// Hands out the rows one by one, as records.
private struct RowsContainer: UnkeyedDecodingContainer {
    let rows: Rows
    var codingPath: [any CodingKey] { [] }
    var count: Int? { nil }
    var isAtEnd: Bool { rows.isAtEnd }
    var currentIndex: Int { rows.rowNumber }

    mutating func decodeNil() throws -> Bool { false }

    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        let row = try rows.advance(for: type)
        do {
            return try T(from: RecordDecoder(rows: rows, row: row, type: type))
        } catch let error as SQLiteTableError.Reason {
            throw error
        } catch {
            throw SQLiteTableError.Reason.invalidRecord(row: rows.rowNumber, problem: SQLiteRowDecoder.describe(error))
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

    mutating func nestedContainer<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FieldsContainer(rows: rows, row: try rows.advance(for: type)))
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw notARecord([String].self)
    }

    mutating func superDecoder() throws -> any Decoder {
        RecordDecoder(rows: rows, row: try rows.advance(for: Any.self), type: Any.self)
    }

    private func notARecord(_ type: Any.Type) -> SQLiteTableError.Reason {
        .notARecord(type: String(describing: type))
    }
}

/// Decodes one row as a record.
private struct RecordDecoder: Decoder {
    let rows: Rows
    let row: Row
    let type: Any.Type
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(FieldsContainer(rows: rows, row: row))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw SQLiteTableError.Reason.notARecord(type: String(describing: type))
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        throw SQLiteTableError.Reason.notARecord(type: String(describing: type))
    }
}

/// The columns of one row, by name.
private struct FieldsContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let rows: Rows
    let row: Row
    var codingPath: [any CodingKey] { [] }
    var allKeys: [Key] { rows.columns.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool {
        rows.number(of: key) != nil
    }

    private func field(_ key: Key) throws -> Field {
        guard let number = rows.number(of: key) else {
            throw SQLiteTableError.Reason.missingColumn(key.stringValue, row: rows.rowNumber, columns: rows.columns)
        }
        return Field(value: row[number], row: rows.rowNumber, column: rows.columns[number])
    }

    func decodeNil(forKey key: Key) throws -> Bool {
        guard let number = rows.number(of: key) else { return true }
        return row.hasNull(atIndex: number)
    }

    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try field(key).bool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try field(key).string() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try field(key).double() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try field(key).double()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try field(key).integer(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try field(key).integer(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try field(key).integer(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try field(key).integer(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try field(key).integer(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try field(key).integer(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try field(key).integer(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try field(key).integer(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try field(key).integer(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try field(key).integer(type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try field(key).decode(type, key: key)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        throw try field(key).nestedValueError(type: nil)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        throw try field(key).nestedValueError(type: nil)
    }

    func superDecoder() throws -> any Decoder {
        RecordDecoder(rows: rows, row: row, type: Any.self)
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        FieldDecoder(field: try field(key), key: key, type: Any.self)
    }
}

/// Decodes the value of one column, for types that decode themselves from a single value.
private struct FieldDecoder: Decoder {
    let field: Field
    let key: any CodingKey
    let type: Any.Type
    var codingPath: [any CodingKey] { [key] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw field.nestedValueError(type: self.type)
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw field.nestedValueError(type: type)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        FieldContainer(field: field, key: key)
    }
}

/// The single value of one column.
private struct FieldContainer: SingleValueDecodingContainer {
    let field: Field
    let key: any CodingKey
    var codingPath: [any CodingKey] { [key] }

    func decodeNil() -> Bool { field.value.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try field.bool() }
    func decode(_ type: String.Type) throws -> String { try field.string() }
    func decode(_ type: Double.Type) throws -> Double { try field.double() }
    func decode(_ type: Float.Type) throws -> Float { Float(try field.double()) }
    func decode(_ type: Int.Type) throws -> Int { try field.integer(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try field.integer(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try field.integer(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try field.integer(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try field.integer(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try field.integer(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try field.integer(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try field.integer(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try field.integer(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try field.integer(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try field.decode(type, key: key) }
}

/// The value of one column of one row, with its conversions to the types of fields.
private struct Field {
    let value: DatabaseValue
    let row: Int
    let column: String

    func bool() throws -> Bool {
        switch value.storage {
        case .int64(0): return false
        case .int64(1): return true
        default: throw mismatch("0 or 1 (a Bool)")
        }
    }

    func string() throws -> String {
        guard case .string(let text) = value.storage else { throw mismatch("TEXT") }
        return text
    }

    func double() throws -> Double {
        switch value.storage {
        case .double(let number): return number
        case .int64(let number): return Double(number)
        default: throw mismatch("a number")
        }
    }

    func integer<Integer: FixedWidthInteger>(_ type: Integer.Type) throws -> Integer {
        let converted: Integer?
        switch value.storage {
        case .int64(let number): converted = Integer(exactly: number)
        case .double(let number) where number.rounded() == number: converted = Integer(exactly: number)
        default: throw mismatch("an INTEGER")
        }
        guard let converted else {
            throw mismatch("an integer from \(Integer.min) to \(Integer.max) (\(Integer.self))")
        }
        return converted
    }

    func decode<T: Decodable>(_ type: T.Type, key: any CodingKey) throws -> T {
        if T.self == Date.self {
            guard case .string(let text) = value.storage, let date = ISO8601Timestamp.parse(text) else {
                throw mismatch("an ISO 8601 date as TEXT, such as 2024-04-01T13:05:00.000Z")
            }
            return date as! T
        }
        if T.self == URL.self {
            guard case .string(let text) = value.storage, !text.isEmpty, let url = URL(string: text) else {
                throw mismatch("a URL as TEXT")
            }
            return url as! T
        }
        if T.self == Decimal.self {
            return try decimal() as! T
        }
        if T.self == Data.self {
            guard case .blob(let data) = value.storage else { throw mismatch("a BLOB") }
            return data as! T
        }
        do {
            return try T(from: FieldDecoder(field: self, key: key, type: type))
        } catch let error as SQLiteTableError.Reason {
            throw error
        } catch {
            if let values = Self.rawValues(of: type) {
                throw mismatch("one of \(values) (\(type))")
            }
            throw invalid(SQLiteRowDecoder.describe(error))
        }
    }

    private func decimal() throws -> Decimal {
        switch value.storage {
        case .int64(let number):
            return Decimal(number)
        case .double(let number):
            return Decimal(number)
        case .string(let text):
            let allowed = text.utf8.allSatisfy { byte in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || [UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")]
                        .contains(byte)
            }
            guard allowed, Double(text) != nil, let number = Decimal(string: text) else {
                throw mismatch("a decimal number")
            }
            return number
        default:
            throw mismatch("a decimal number")
        }
    }

    func nestedValueError(type: Any.Type?) -> SQLiteTableError.Reason {
        let subject = type.map { "a \($0) holds nested values" } ?? "the field holds nested values"
        return invalid("\(subject), but a column holds a single value; only flat records are supported")
    }

    private func invalid(_ problem: String) -> SQLiteTableError.Reason {
        .invalidValue(row: row, column: column, problem: problem)
    }

    /// The error for a value that is not `expectation`.
    private func mismatch(_ expectation: String) -> SQLiteTableError.Reason {
        switch value.storage {
        case .null:
            invalid("expected \(expectation), found NULL; make the field optional to allow NULL")
        case .int64(let number):
            invalid("expected \(expectation), found INTEGER \(number)")
        case .double(let number):
            invalid("expected \(expectation), found REAL \(number)")
        case .string(let text):
            invalid("expected \(expectation), found TEXT '\(text.count > 60 ? String(text.prefix(60)) + "…" : text)'")
        case .blob(let data):
            invalid("expected \(expectation), found a BLOB of \(data.count) bytes")
        }
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
