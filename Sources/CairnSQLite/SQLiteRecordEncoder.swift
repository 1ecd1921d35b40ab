import Cairn
import Foundation
import GRDB

/// Encodes a collection of flat records one record at a time into column values, handing each
/// record to a closure before the next is encoded, so a table is written without a second copy of
/// the data in memory.
///
/// Integers and `Bool` become `INTEGER`, `Double` and `Float` `REAL`, `String`, `URL`, `Decimal`
/// and `Date` (ISO 8601 in UTC with milliseconds, `ISO8601Timestamp`) `TEXT`, `Data` `BLOB`, and `nil` `NULL`; types that encode
/// themselves as one of these (enums with raw values, `UUID`) are stored as that value. A field
/// with fields or elements of its own is an error naming the field.
enum SQLiteRecordEncoder {
    /// The fields of one record, in the order they were encoded; reused from record to record.
    final class Fields {
        private(set) var keys: [String] = []
        private(set) var values: [DatabaseValue] = []

        var count: Int { keys.count }

        func append(_ key: some CodingKey, _ value: DatabaseValue) {
            keys.append(key.stringValue)
            values.append(value)
        }

        func removeAll() {
            keys.removeAll(keepingCapacity: true)
            values.removeAll(keepingCapacity: true)
        }
    }

    /// Encodes `value`, a collection of records, calling `body` with each record and its row
    /// number (from 1); returns the number of records.
    static func encode<T: Encodable>(_ value: T, _ body: @escaping (Fields, Int) throws -> Void) throws -> Int {
        let stream = Stream(type: T.self, body: body)
        try value.encode(to: stream)
        try stream.endRecord()
        return stream.recordCount
    }

    /// The encoder of the whole collection: hands out the records one by one.
    private final class Stream: Encoder {
        let type: Any.Type
        let body: (Fields, Int) throws -> Void
        let fields = Fields()
        /// The number of records begun.
        private(set) var recordCount = 0
        /// Whether the fields of the last record begun are still to be handed to `body`.
        private var isRecordOpen = false
        /// The first error found where an error cannot be thrown, thrown at the next opportunity.
        private var failure: (any Error)?
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        init(type: Any.Type, body: @escaping (Fields, Int) throws -> Void) {
            self.type = type
            self.body = body
        }

        func fail(_ error: any Error) {
            failure = failure ?? error
        }

        /// Hands the open record to `body`, or throws the error found while encoding it.
        func endRecord() throws {
            if let failure { throw failure }
            guard isRecordOpen else { return }
            isRecordOpen = false
            try body(fields, recordCount)
        }

        /// Ends the open record and starts the next one.
        func beginRecord() throws {
            try endRecord()
            fields.removeAll()
            recordCount += 1
            isRecordOpen = true
        }

        func unsupported(_ key: any CodingKey, _ problem: String) -> SQLiteTableError.Reason {
            .unsupportedValue(row: recordCount, column: key.stringValue, problem: problem)
        }

        /// The value of a `Double` field; NaN is an error, since SQLite would store `NULL`.
        func real(_ value: Double, key: any CodingKey) throws -> DatabaseValue {
            guard !value.isNaN else {
                throw unsupported(
                    key,
                    "NaN cannot be stored: SQLite turns it into NULL; use an optional field and nil for a missing value"
                )
            }
            return value.databaseValue
        }

        /// The value of an unsigned integer field, which must fit SQLite's signed 64-bit integers.
        func integer(_ value: some FixedWidthInteger, key: any CodingKey) throws -> DatabaseValue {
            guard let integer = Int64(exactly: value) else {
                throw unsupported(key, "\(value) is larger than SQLite's largest integer, \(Int64.max)")
            }
            return integer.databaseValue
        }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            fail(SQLiteTableError.Reason.notACollection(type: String(describing: self.type)))
            return KeyedEncodingContainer(DiscardingContainer())
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            RowsContainer(stream: self)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            fail(SQLiteTableError.Reason.notACollection(type: String(describing: type)))
            return DiscardingContainer<RowKey>()
        }
    }

    /// The records of the collection.
    private struct RowsContainer: UnkeyedEncodingContainer {
        let stream: Stream
        var codingPath: [any CodingKey] { [] }
        var count: Int { stream.recordCount }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try stream.beginRecord()
            try value.encode(to: RecordEncoder(stream: stream, type: T.self))
            try stream.endRecord()
        }

        mutating func encodeNil() throws { throw SQLiteTableError.Reason.notARecord(type: "nil") }
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
            // The record's fields follow; it is handed on when the next record begins, or at the end.
            do {
                try stream.beginRecord()
            } catch {
                stream.fail(error)
            }
            return KeyedEncodingContainer(FieldsContainer(stream: stream, fields: stream.fields))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            stream.fail(SQLiteTableError.Reason.notARecord(type: "an array"))
            return DiscardingContainer<RowKey>()
        }

        mutating func superEncoder() -> any Encoder {
            do {
                try stream.beginRecord()
            } catch {
                stream.fail(error)
            }
            return RecordEncoder(stream: stream, type: Any.self)
        }

        private func notARecord<Value>(_ value: Value) -> SQLiteTableError.Reason {
            .notARecord(type: String(describing: Value.self))
        }
    }

    /// Encodes one record of the collection into the stream's fields.
    private struct RecordEncoder: Encoder {
        let stream: Stream
        let type: Any.Type
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            KeyedEncodingContainer(FieldsContainer(stream: stream, fields: stream.fields))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            stream.fail(SQLiteTableError.Reason.notARecord(type: String(describing: type)))
            return DiscardingContainer<RowKey>()
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            stream.fail(SQLiteTableError.Reason.notARecord(type: String(describing: type)))
            return DiscardingContainer<RowKey>()
        }
    }

    /// Adds the fields of one record.
    private struct FieldsContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let stream: Stream
        let fields: Fields
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { fields.append(key, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws {
            fields.append(key, (value ? 1 : 0).databaseValue)
        }
        mutating func encode(_ value: String, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: Double, forKey key: Key) throws {
            fields.append(key, try stream.real(value, key: key))
        }
        mutating func encode(_ value: Float, forKey key: Key) throws {
            fields.append(key, try stream.real(Double(value), key: key))
        }
        mutating func encode(_ value: Int, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: UInt, forKey key: Key) throws {
            fields.append(key, try stream.integer(value, key: key))
        }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { fields.append(key, value.databaseValue) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws {
            fields.append(key, try stream.integer(value, key: key))
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            fields.append(key, try Slot.value(of: value, key: key, stream: stream))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            stream.fail(stream.unsupported(key, nestedValue("a value with fields of its own")))
            return KeyedEncodingContainer(DiscardingContainer<NestedKey>())
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            stream.fail(stream.unsupported(key, nestedValue("an array")))
            return DiscardingContainer<RowKey>()
        }

        mutating func superEncoder() -> any Encoder {
            RecordEncoder(stream: stream, type: Any.self)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            stream.fail(stream.unsupported(key, nestedValue("a value with fields of its own")))
            return DiscardingContainer<RowKey>()
        }
    }

    /// The message for a field with a nested value.
    fileprivate static func nestedValue(_ subject: String) -> String {
        "the field holds \(subject), but SQLiteTableIOManager stores only flat records, with one value per "
            + "column; flatten the record (for example `address_city`, `address_zip`), or store the value as "
            + "JSON text in a String field"
    }

    /// A coding key for the discarding containers that need one.
    private struct RowKey: CodingKey {
        var stringValue: String { "" }
        var intValue: Int? { nil }
        init?(stringValue: String) { nil }
        init?(intValue: Int) { nil }
    }

    /// Where a `ValueEncoder` leaves the value of one field.
    private final class Slot {
        let key: any CodingKey
        let type: Any.Type
        var value = DatabaseValue.null

        init(key: any CodingKey, type: Any.Type) {
            self.key = key
            self.type = type
        }

        /// The column value of a field of a type that is not a primitive of `Encoder`.
        static func value<T: Encodable>(of value: T, key: some CodingKey, stream: Stream) throws -> DatabaseValue {
            if T.self == Date.self {
                return ISO8601Timestamp.format(value as! Date, precision: .milliseconds).databaseValue
            }
            if T.self == URL.self { return (value as! URL).absoluteString.databaseValue }
            if T.self == Decimal.self { return (value as! Decimal).description.databaseValue }
            if T.self == Data.self { return (value as! Data).databaseValue }
            let slot = Slot(key: key, type: T.self)
            try value.encode(to: ValueEncoder(stream: stream, slot: slot))
            return slot.value
        }
    }

    /// Encodes the value of one field, for types that encode themselves.
    private struct ValueEncoder: Encoder {
        let stream: Stream
        let slot: Slot
        var codingPath: [any CodingKey] { [slot.key] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            stream.fail(
                stream.unsupported(slot.key, nestedValue("a value of type \(slot.type), which has fields of its own")))
            return KeyedEncodingContainer(DiscardingContainer())
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            stream.fail(stream.unsupported(slot.key, nestedValue("a value of type \(slot.type), which has elements")))
            return DiscardingContainer<RowKey>()
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            ValueContainer(stream: stream, slot: slot)
        }
    }

    /// Holds the single value of one field.
    private struct ValueContainer: SingleValueEncodingContainer {
        let stream: Stream
        let slot: Slot
        var codingPath: [any CodingKey] { [slot.key] }

        mutating func encodeNil() throws { slot.value = .null }
        mutating func encode(_ value: Bool) throws { slot.value = (value ? 1 : 0).databaseValue }
        mutating func encode(_ value: String) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: Double) throws { slot.value = try stream.real(value, key: slot.key) }
        mutating func encode(_ value: Float) throws { slot.value = try stream.real(Double(value), key: slot.key) }
        mutating func encode(_ value: Int) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: Int8) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: Int16) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: Int32) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: Int64) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: UInt) throws { slot.value = try stream.integer(value, key: slot.key) }
        mutating func encode(_ value: UInt8) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: UInt16) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: UInt32) throws { slot.value = value.databaseValue }
        mutating func encode(_ value: UInt64) throws { slot.value = try stream.integer(value, key: slot.key) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            slot.value = try Slot.value(of: value, key: slot.key, stream: stream)
        }
    }

    /// Takes and drops the parts of a value that is reported as an error, so encoding goes on to
    /// the end of the record, where the error is thrown.
    private struct DiscardingContainer<Key: CodingKey>: Encoder, KeyedEncodingContainerProtocol,
        UnkeyedEncodingContainer, SingleValueEncodingContainer
    {
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }
        var count: Int { 0 }

        func container<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(DiscardingContainer<NestedKey>())
        }
        func unkeyedContainer() -> any UnkeyedEncodingContainer { self }
        func singleValueContainer() -> any SingleValueEncodingContainer { self }

        mutating func encodeNil() throws {}
        mutating func encodeNil(forKey key: Key) throws {}
        mutating func encode<T: Encodable>(_ value: T) throws {}
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {}
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(DiscardingContainer<NestedKey>())
        }
        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(DiscardingContainer<NestedKey>())
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { self }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer { self }
        mutating func superEncoder() -> any Encoder { self }
        mutating func superEncoder(forKey key: Key) -> any Encoder { self }
    }
}
