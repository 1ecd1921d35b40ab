import Foundation

/// Encodes any `Encodable` as a `JSONValue`, without going through JSON text.
///
/// Writes values the way the config decoder reads them: dates as ISO 8601 strings in UTC, URLs as
/// strings, integers and decimals as numbers. A value that encodes nothing is an empty object.
struct JSONValueEncoder {
    /// The JSON form of `value`.
    func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        if let direct = Self.direct(value) { return direct }
        let slot = Slot()
        try value.encode(to: SlotEncoder(slot: slot, codingPath: []))
        return slot.resolved()
    }

    /// The JSON of values that are written as one JSON value without an encoder.
    private static func direct(_ value: Any) -> JSONValue? {
        if let json = value as? JSONValue { return json }
        if let scalar = value as? any ConfigScalar { return scalar.configJSON }
        return nil
    }

    /// Writes `value` into `slot`.
    private static func store<T: Encodable>(_ value: T, into slot: Slot, codingPath: [any CodingKey]) throws {
        if let direct = direct(value) {
            slot.value = direct
        } else {
            try value.encode(to: SlotEncoder(slot: slot, codingPath: codingPath))
        }
    }
}

extension JSONValueEncoder {
    /// The place of one value in the document being encoded; containers fill it in as they go.
    private final class Slot {
        var value: JSONValue?
        var object: [String: Slot]?
        var array: [Slot]?

        func resolved() -> JSONValue {
            if let object { return .object(object.mapValues { $0.resolved() }) }
            if let array { return .array(array.map { $0.resolved() }) }
            return value ?? .object([:])
        }

        /// Makes the slot an object, keeping the keys already in it.
        func makeObject() {
            if object == nil {
                object = [:]
                array = nil
                value = nil
            }
        }

        /// Makes the slot an array, keeping the elements already in it.
        func makeArray() {
            if array == nil {
                array = []
                object = nil
                value = nil
            }
        }

        func child(forKey key: String) -> Slot {
            makeObject()
            let child = Slot()
            object?[key] = child
            return child
        }

        func appendChild() -> Slot {
            makeArray()
            let child = Slot()
            array?.append(child)
            return child
        }
    }

    /// A coding key for array indices in coding paths.
    private struct IndexKey: CodingKey {
        let intValue: Int?
        var stringValue: String { "[\(intValue ?? 0)]" }
        init(intValue: Int) { self.intValue = intValue }
        init?(stringValue: String) { nil }
    }

    private struct SlotEncoder: Encoder {
        let slot: Slot
        let codingPath: [any CodingKey]
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            slot.makeObject()
            return KeyedEncodingContainer(KeyedContainer<Key>(slot: slot, codingPath: codingPath))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            slot.makeArray()
            return UnkeyedContainer(slot: slot, codingPath: codingPath)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer {
            SingleValueContainer(slot: slot, codingPath: codingPath)
        }
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let slot: Slot
        let codingPath: [any CodingKey]

        mutating func encodeNil(forKey key: Key) {
            slot.child(forKey: key.stringValue).value = .null
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            try JSONValueEncoder.store(value, into: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            let child = slot.child(forKey: key.stringValue)
            child.makeObject()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: codingPath + [key]))
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = slot.child(forKey: key.stringValue)
            child.makeArray()
            return UnkeyedContainer(slot: child, codingPath: codingPath + [key])
        }

        mutating func superEncoder() -> any Encoder {
            SlotEncoder(slot: slot.child(forKey: "super"), codingPath: codingPath)
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            SlotEncoder(slot: slot.child(forKey: key.stringValue), codingPath: codingPath + [key])
        }
    }

    private struct UnkeyedContainer: UnkeyedEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]
        var count: Int { slot.array?.count ?? 0 }

        mutating func encodeNil() {
            slot.appendChild().value = .null
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            let path = codingPath + [IndexKey(intValue: count)]
            try JSONValueEncoder.store(value, into: slot.appendChild(), codingPath: path)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type
        ) -> KeyedEncodingContainer<NestedKey> {
            let path = codingPath + [IndexKey(intValue: count)]
            let child = slot.appendChild()
            child.makeObject()
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(slot: child, codingPath: path))
        }

        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let path = codingPath + [IndexKey(intValue: count)]
            let child = slot.appendChild()
            child.makeArray()
            return UnkeyedContainer(slot: child, codingPath: path)
        }

        mutating func superEncoder() -> any Encoder {
            let path = codingPath + [IndexKey(intValue: count)]
            return SlotEncoder(slot: slot.appendChild(), codingPath: path)
        }
    }

    private struct SingleValueContainer: SingleValueEncodingContainer {
        let slot: Slot
        let codingPath: [any CodingKey]

        mutating func encodeNil() {
            slot.value = .null
        }

        mutating func encode<T: Encodable>(_ value: T) throws {
            try JSONValueEncoder.store(value, into: slot, codingPath: codingPath)
        }
    }
}
