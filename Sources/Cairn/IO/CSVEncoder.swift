import Foundation

/// Encodes an array of flat records as CSV text: a header line, then one line per record.
///
/// ```swift
/// let text = try CSVEncoder().encode([Sample(station: "SFO", valid: date, tmpf: 52.1)])
/// // station,valid,tmpf
/// // SFO,2024-04-01T00:05:00Z,52.1
/// ```
///
/// The header lists the fields of the first record in encoding order; a field that only later
/// records have (an optional that was `nil` at first) gets a column next to its neighbours.
/// Dates are written in ISO 8601 in UTC, `nil` as an empty cell and an empty string as `""`;
/// text with commas, quotes, line breaks or surrounding spaces is quoted. Lines end with LF.
public struct CSVEncoder: Sendable {
    /// Creates an encoder.
    public init() {}

    /// The CSV text of `value`, an array (or other collection) of records.
    public func encode<T: Encodable>(_ value: T) throws -> String {
        try encodeTable(value).text
    }

    /// The CSV text of `value` and the number of records in it.
    func encodeTable<T: Encodable>(_ value: T) throws -> (text: String, rowCount: Int) {
        let capture = Capture(type: T.self, selecting: { _ in true })
        try value.encode(to: capture)
        if let failure = capture.failure {
            throw failure
        }
        let records = capture.records
        var columns = ColumnOrder()
        let placements = records.map { record in columns.place(record.fields.map(\.key)) }
        guard !records.isEmpty else { return ("", 0) }
        let positions = columns.positions
        var text = columns.header.map(Self.escape).joined(separator: ",") + "\n"
        var line = [String](repeating: "", count: positions.count)
        for (index, record) in records.enumerated() {
            for column in line.indices {
                line[column] = ""
            }
            for (field, column) in zip(record.fields, placements[index]) {
                line[positions[column]] = try Self.cell(field.value, row: index + 1, column: field.key)
            }
            text += line.joined(separator: ",")
            text += "\n"
        }
        return (text, records.count)
    }

    /// The text of one cell.
    private static func cell(_ value: Value, row: Int, column: String) throws -> String {
        switch value {
        case .null: return ""
        case .string(let text): return escape(text)
        case .integer(let text), .float(let text): return text
        case .bool(let value): return value ? "true" : "false"
        case .date(let date): return ISO8601Timestamp.format(date)
        case .url(let url): return escape(url.absoluteString)
        case .decimal(let value): return value.description
        case .nested(let type):
            throw CSVError.unsupportedValue(
                row: row, column: column,
                problem: "a \(type) holds nested values, but a CSV cell holds a single value; "
                    + "flatten the record, or store the value as JSON")
        }
    }

    /// The text quoted when it must be: empty, or with commas, quotes, line breaks or surrounding spaces.
    private static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        let special: (UInt8) -> Bool = { byte in
            byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\n")
                || byte == UInt8(ascii: "\r")
        }
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        guard let first = utf8.first, let last = utf8.last else { return "\"\"" }
        guard utf8.contains(where: special) || blank(first) || blank(last) else { return text }
        return "\"" + text.replacing("\"", with: "\"\"") + "\""
    }
}

extension CSVEncoder {
    /// The value of one field of a flat record, as `Capture` records it.
    enum Value {
        case null
        case string(String)
        case integer(String)
        case float(String)
        case bool(Bool)
        case date(Date)
        case url(URL)
        case decimal(Decimal)
        /// A value with fields or elements of its own, named by its Swift type or `struct` / `array`.
        case nested(String)

        /// The value of a field of a type that is not a primitive of `Encoder`.
        static func of<T: Encodable>(_ value: T) throws -> Value {
            if T.self == Date.self { return .date(value as! Date) }
            if T.self == URL.self { return .url(value as! URL) }
            if T.self == Decimal.self { return .decimal(value as! Decimal) }
            let slot = Slot(type: T.self)
            try value.encode(to: ValueEncoder(slot: slot))
            return slot.value
        }
    }

    /// The fields of one record in the order they were encoded.
    final class Record {
        var fields: [(key: String, value: Value)] = []

        func add(_ key: some CodingKey, _ value: Value) {
            fields.append((key.stringValue, value))
        }
    }

    /// Where a `ValueEncoder` leaves the value it encoded.
    final class Slot {
        let type: Any.Type
        var value = Value.null

        init(type: Any.Type) {
            self.type = type
        }
    }

    /// Encodes a collection of records into lists of fields, for the CSV encoder and for
    /// inferring a `TableSchema`. Only the records whose index `selecting` accepts are kept.
    final class Capture: Encoder {
        let type: Any.Type
        private let selecting: (Int) -> Bool
        /// The kept records.
        private(set) var records: [Record] = []
        /// The number of records seen, kept or not.
        private(set) var recordCount = 0
        /// Why the value is not a collection of flat records, if it is not.
        private(set) var failure: CSVError?
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(type: Any.Type, selecting: @escaping (Int) -> Bool) {
            self.type = type
            self.selecting = selecting
        }

        /// A capture that keeps nothing, for the parts of a value that are reported as errors.
        static func discarding() -> Capture {
            Capture(type: Any.self, selecting: { _ in false })
        }

        func fail(_ error: CSVError) {
            failure = failure ?? error
        }

        /// Counts a new record and returns its storage when it is kept.
        func beginRecord() -> Record? {
            defer { recordCount += 1 }
            guard selecting(recordCount) else { return nil }
            let record = Record()
            records.append(record)
            return record
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            fail(.notACollection(type: String(describing: self.type)))
            return KeyedEncodingContainer(FieldsContainer(record: Record()))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            RowsContainer(capture: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            fail(.notACollection(type: String(describing: type)))
            return ValueContainer(slot: Slot(type: type))
        }
    }

    /// Takes the records of the collection one by one.
    struct RowsContainer: UnkeyedEncodingContainer {
        let capture: Capture
        var codingPath: [any CodingKey] { [] }
        var count: Int { capture.recordCount }

        mutating func encode<T: Encodable>(_ value: T) throws {
            guard let record = capture.beginRecord() else { return }
            try value.encode(to: RecordEncoder(capture: capture, record: record, type: T.self))
        }

        mutating func encodeNil() throws { throw CSVError.notARecord(type: "nil") }
        mutating func encode(_ value: Bool) throws { throw notARecord(value) }
        mutating func encode(_ value: String) throws { throw notARecord(value) }
        mutating func encode(_ value: Double) throws { throw notARecord(value) }
        mutating func encode(_ value: Float) throws { throw notARecord(value) }
        mutating func encode(_ value: Int) throws { throw notARecord(value) }
        mutating func encode(_ value: Int8) throws { throw notARecord(value) }
        mutating func encode(_ value: Int16) throws { throw notARecord(value) }
        mutating func encode(_ value: Int32) throws { throw notARecord(value) }
        mutating func encode(_ value: Int64) throws { throw notARecord(value) }
        mutating func encode(_ value: UInt) throws { throw notARecord(value) }
        mutating func encode(_ value: UInt8) throws { throw notARecord(value) }
        mutating func encode(_ value: UInt16) throws { throw notARecord(value) }
        mutating func encode(_ value: UInt32) throws { throw notARecord(value) }
        mutating func encode(_ value: UInt64) throws { throw notARecord(value) }

        mutating func nestedContainer<Key: CodingKey>(keyedBy keyType: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(FieldsContainer(record: capture.beginRecord() ?? Record()))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            capture.fail(.notARecord(type: "an array"))
            return RowsContainer(capture: .discarding())
        }

        mutating func superEncoder() -> any Encoder {
            RecordEncoder(capture: capture, record: capture.beginRecord() ?? Record(), type: Any.self)
        }

        private func notARecord<Value>(_ value: Value) -> CSVError {
            .notARecord(type: String(describing: Value.self))
        }
    }

    /// Encodes one record of the collection.
    struct RecordEncoder: Encoder {
        let capture: Capture
        let record: Record
        let type: Any.Type
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(FieldsContainer(record: record))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            capture.fail(.notARecord(type: String(describing: type)))
            return RowsContainer(capture: .discarding())
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            capture.fail(.notARecord(type: String(describing: type)))
            return ValueContainer(slot: Slot(type: type))
        }
    }

    /// Adds the fields of one record.
    struct FieldsContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let record: Record
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { record.add(key, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { record.add(key, .bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { record.add(key, .string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { record.add(key, .float(value.description)) }
        mutating func encode(_ value: Float, forKey key: Key) throws { record.add(key, .float(value.description)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { record.add(key, .integer(String(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { record.add(key, .integer(String(value))) }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            record.add(key, try Value.of(value))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            record.add(key, .nested("struct"))
            return KeyedEncodingContainer(FieldsContainer<NestedKey>(record: Record()))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            record.add(key, .nested("array"))
            return RowsContainer(capture: .discarding())
        }

        mutating func superEncoder() -> any Encoder {
            RecordEncoder(capture: .discarding(), record: record, type: Any.self)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            record.add(key, .nested("struct"))
            return ValueEncoder(slot: Slot(type: Any.self))
        }
    }

    /// Encodes the value of one field, for types that encode themselves.
    struct ValueEncoder: Encoder {
        let slot: Slot
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            slot.value = .nested(String(describing: slot.type))
            return KeyedEncodingContainer(FieldsContainer(record: Record()))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            slot.value = .nested(String(describing: slot.type))
            return RowsContainer(capture: .discarding())
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            ValueContainer(slot: slot)
        }
    }

    /// Holds the single value of one field.
    struct ValueContainer: SingleValueEncodingContainer {
        let slot: Slot
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { slot.value = .null }
        mutating func encode(_ value: Bool) throws { slot.value = .bool(value) }
        mutating func encode(_ value: String) throws { slot.value = .string(value) }
        mutating func encode(_ value: Double) throws { slot.value = .float(value.description) }
        mutating func encode(_ value: Float) throws { slot.value = .float(value.description) }
        mutating func encode(_ value: Int) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: Int8) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: Int16) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: Int32) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: Int64) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: UInt) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: UInt8) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: UInt16) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: UInt32) throws { slot.value = .integer(String(value)) }
        mutating func encode(_ value: UInt64) throws { slot.value = .integer(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { slot.value = try Value.of(value) }
    }

    /// The order of the columns of a table whose records may each lack some fields.
    struct ColumnOrder {
        /// The column names by column number, in order of first appearance.
        private(set) var names: [String] = []
        private var numbers: [String: Int] = [:]
        /// The column numbers in header order.
        private(set) var order: [Int] = []

        /// The column names in header order.
        var header: [String] { order.map { names[$0] } }

        /// The position in the header of each column number.
        var positions: [Int] {
            var positions = [Int](repeating: 0, count: order.count)
            for (position, column) in order.enumerated() {
                positions[column] = position
            }
            return positions
        }

        /// The column numbers of a record's keys; a new key gets a column right after the column
        /// of the key before it in the record, or else right before the column of the key after it.
        mutating func place(_ keys: [String]) -> [Int] {
            var columns: [Int] = []
            columns.reserveCapacity(keys.count)
            var newKeys: [Int] = []
            for (index, key) in keys.enumerated() {
                if let column = numbers[key] {
                    columns.append(column)
                } else {
                    numbers[key] = names.count
                    columns.append(names.count)
                    names.append(key)
                    newKeys.append(index)
                }
            }
            var placed = Set(order)
            for index in newKeys {
                let previous = keys.indices[..<index].last { placed.contains(columns[$0]) }
                let next = keys.indices[(index + 1)...].first { placed.contains(columns[$0]) }
                if let previous, let position = order.firstIndex(of: columns[previous]) {
                    order.insert(columns[index], at: position + 1)
                } else if let next, let position = order.firstIndex(of: columns[next]) {
                    order.insert(columns[index], at: position)
                } else {
                    order.append(columns[index])
                }
                placed.insert(columns[index])
            }
            return columns
        }
    }
}
