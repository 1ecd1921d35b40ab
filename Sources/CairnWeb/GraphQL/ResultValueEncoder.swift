import Foundation

/// Encodes an `Encodable` value into a `ResultValue`, as `JSONEncoder` would into JSON but
/// without writing and reading text: a `nil` optional leaves its key out; nested and super
/// containers, which synthesized conformances never use, make `encode` throw.
final class ResultValueEncoder: Encoder {
    /// Boxes the containers write into.
    fileprivate final class Box<Value> {
        var value: Value
        init(_ value: Value) { self.value = value }
    }

    /// A value this encoder cannot represent.
    struct Unsupported: Error {}

    var codingPath: [any CodingKey] = []
    var userInfo: [CodingUserInfoKey: Any] = [:]
    fileprivate var single: ResultValue?
    fileprivate var object: Box<[String: ResultValue]>?
    fileprivate var list: Box<[ResultValue]>?
    fileprivate var unsupported = false

    /// `value` as a `ResultValue`.
    static func encode(_ value: some Encodable) throws -> ResultValue {
        switch value {
        case let string as String: return .string(string)
        case let int as Int: return .int(int)
        case let bool as Bool: return .bool(bool)
        case let double as Double: return .double(double)
        case let integer as any BinaryInteger:
            guard let int = Int(exactly: integer) else { throw Unsupported() }
            return .int(int)
        case let float as Float: return .double(Double(float))
        default: break
        }
        let encoder = ResultValueEncoder()
        try value.encode(to: encoder)
        guard !encoder.unsupported else { throw Unsupported() }
        if let object = encoder.object { return .object(object.value) }
        if let list = encoder.list { return .list(list.value) }
        return encoder.single ?? .null
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box = object ?? Box([:])
        object = box
        return KeyedEncodingContainer(KeyedContainer(box: box, encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box = list ?? Box([])
        list = box
        return UnkeyedContainer(box: box, encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleContainer(encoder: self)
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let box: Box<[String: ResultValue]>
        let encoder: ResultValueEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) throws { box.value[key.stringValue] = .null }
        mutating func encode(_ value: Bool, forKey key: Key) throws { box.value[key.stringValue] = .bool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { box.value[key.stringValue] = .string(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { box.value[key.stringValue] = .double(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { box.value[key.stringValue] = .int(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            box.value[key.stringValue] = try ResultValueEncoder.encode(value)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            encoder.unsupported = true
            return ResultValueEncoder().container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            encoder.unsupported = true
            return ResultValueEncoder().unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            encoder.unsupported = true
            return ResultValueEncoder()
        }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder() }
    }

    private struct UnkeyedContainer: UnkeyedEncodingContainer {
        let box: Box<[ResultValue]>
        let encoder: ResultValueEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { box.value.count }

        mutating func encodeNil() throws { box.value.append(.null) }
        mutating func encode(_ value: Bool) throws { box.value.append(.bool(value)) }
        mutating func encode(_ value: String) throws { box.value.append(.string(value)) }
        mutating func encode(_ value: Double) throws { box.value.append(.double(value)) }
        mutating func encode(_ value: Int) throws { box.value.append(.int(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws { box.value.append(try ResultValueEncoder.encode(value)) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
            -> KeyedEncodingContainer<NestedKey>
        {
            encoder.unsupported = true
            return ResultValueEncoder().container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            encoder.unsupported = true
            return ResultValueEncoder().unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder {
            encoder.unsupported = true
            return ResultValueEncoder()
        }
    }

    private struct SingleContainer: SingleValueEncodingContainer {
        let encoder: ResultValueEncoder
        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil() throws { encoder.single = .null }
        mutating func encode(_ value: Bool) throws { encoder.single = .bool(value) }
        mutating func encode(_ value: String) throws { encoder.single = .string(value) }
        mutating func encode(_ value: Double) throws { encoder.single = .double(value) }
        mutating func encode(_ value: Int) throws { encoder.single = .int(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { encoder.single = try ResultValueEncoder.encode(value) }
    }
}
