import Foundation

/// Stand-in values of config types, and what a type's values look like, learnt by decoding from nothing.
///
/// After a bad value the config decoder hands the type being decoded a stand-in (zero, an empty string,
/// an empty list, the first case of an enum, a struct of stand-ins) so that it goes on to the next
/// field and every problem of the config is reported at once. The stand-in never reaches the user: a
/// config with a problem is an error.
enum ConfigPlaceholder {
    /// How deep stand-ins of nested types may go, which stops recursive types.
    private static let maximumDepth = 32

    /// A stand-in value of `type`, or `nil` when the type cannot make one (an enum that does not list
    /// its cases, or a type whose decoding checks its values).
    static func make<T: Decodable>(_ type: T.Type) -> T? {
        try? make(type, depth: 0, probe: nil)
    }

    /// What a value of `type` looks like, for messages: `an integer`, `a list`, `one of "a", "b"`.
    static func expectation<T: Decodable>(of type: T.Type) -> String {
        if let optional = T.self as? any ConfigOptional.Type, let wrapped = optional.wrappedDecodable {
            return expectation(of: wrapped)
        }
        if let scalar = T.self as? any ConfigScalar.Type { return scalar.configExpectation }
        if let values = allowedValues(of: T.self) { return "one of " + list(values) }
        if T.self == JSONValue.self { return "a value" }
        let probe = Probe()
        _ = try? make(type, depth: 0, probe: probe)
        return probe.expectation ?? "a value"
    }

    /// The raw values of an enum that lists its cases, as JSON, or `nil` for other types.
    static func allowedValues(of type: Any.Type) -> [JSONValue]? {
        guard let type = type as? any (CaseIterable & RawRepresentable).Type else { return nil }
        let values = rawValues(of: type)
        return values.isEmpty ? nil : values
    }

    /// `"a", "b", "c"` for a few values; the first twelve and `…` for many.
    static func list(_ values: [JSONValue]) -> String {
        let shown = values.prefix(12).map(ConfigDecoder.describe).joined(separator: ", ")
        return values.count > 12 ? shown + ", …" : shown
    }

    private static func rawValues<Enum: CaseIterable & RawRepresentable>(of type: Enum.Type) -> [JSONValue] {
        type.allCases.compactMap { ($0.rawValue as? any ConfigScalar)?.configJSON }
    }

    private static func firstCase<Enum: CaseIterable>(of type: Enum.Type) -> Any? {
        type.allCases.first
    }

    fileprivate static func make<T: Decodable>(_ type: T.Type, depth: Int, probe: Probe?) throws -> T {
        if let scalar = T.self as? any ConfigScalar.Type {
            probe?.record(scalar.configExpectation)
            return scalarPlaceholder(scalar) as! T
        }
        if T.self == JSONValue.self { return JSONValue.null as! T }
        if let cases = T.self as? any CaseIterable.Type, let first = firstCase(of: cases) as? T {
            probe?.record(expectation(of: T.self))
            return first
        }
        guard depth < maximumDepth else { throw ConfigDecoder.Abort() }
        do {
            return try T(from: PlaceholderDecoder(depth: depth + 1, probe: probe))
        } catch {
            // An enum that does not list its cases, or a type whose decoding rejects the stand-ins it
            // is given: when it is plain data, all zero bits are a value of it (an enum's first case).
            guard let zero = zeroed(type) else { throw error }
            return zero
        }
    }

    /// The keys a type's decoding asks its keyed container for, when it decodes from stand-ins.
    static func requestedKeys<T: Decodable>(of type: T.Type) -> Set<String>? {
        let probe = Probe()
        guard (try? T(from: PlaceholderDecoder(depth: 1, probe: probe))) != nil else { return nil }
        return probe.keys
    }

    /// A value of a plain-data type (no references, no copy logic) with all bits zero.
    private static func zeroed<T>(_ type: T.Type) -> T? {
        guard _isPOD(type), MemoryLayout<T>.size <= 64 else { return nil }
        return withUnsafeTemporaryAllocation(
            byteCount: max(MemoryLayout<T>.size, 1), alignment: MemoryLayout<T>.alignment
        ) {
            buffer in
            buffer.initializeMemory(as: UInt8.self, repeating: 0)
            return buffer.baseAddress!.load(as: T.self)
        }
    }

    private static func scalarPlaceholder<Scalar: ConfigScalar>(_ type: Scalar.Type) -> Scalar {
        type.configPlaceholder
    }

    /// Remembers what kind of value a type first asked its decoder for, and the keys it asked for.
    fileprivate final class Probe {
        private(set) var expectation: String?
        private(set) var keys: Set<String> = []

        func record(_ expectation: String) {
            if self.expectation == nil { self.expectation = expectation }
        }

        func requested(_ key: some CodingKey) {
            keys.insert(key.stringValue)
        }
    }

    /// A decoder with nothing in it: containers are empty, optionals `nil`, everything else a stand-in.
    private struct PlaceholderDecoder: Decoder {
        let depth: Int
        let probe: Probe?
        var codingPath: [any CodingKey] { [] }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedDecodingContainer<Key> {
            probe?.record("an object")
            return KeyedDecodingContainer(KeyedContainer<Key>(depth: depth, probe: probe))
        }

        func unkeyedContainer() -> any UnkeyedDecodingContainer {
            probe?.record("a list")
            return UnkeyedContainer(depth: depth)
        }

        func singleValueContainer() -> any SingleValueDecodingContainer {
            SingleValueContainer(depth: depth, probe: probe)
        }
    }

    private struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let depth: Int
        var probe: Probe?
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { [] }

        func contains(_ key: Key) -> Bool {
            probe?.requested(key)
            return false
        }

        func decodeNil(forKey key: Key) -> Bool {
            probe?.requested(key)
            return true
        }

        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) -> T? {
            probe?.requested(key)
            return nil
        }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            probe?.requested(key)
            return try ConfigPlaceholder.make(type, depth: depth, probe: nil)
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) -> KeyedDecodingContainer<NestedKey> {
            probe?.requested(key)
            return KeyedDecodingContainer(KeyedContainer<NestedKey>(depth: depth))
        }

        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedDecodingContainer {
            probe?.requested(key)
            return UnkeyedContainer(depth: depth)
        }

        func superDecoder() -> any Decoder {
            probe?.requested(ConfigCodingKey(stringValue: "super"))
            return PlaceholderDecoder(depth: depth, probe: nil)
        }

        func superDecoder(forKey key: Key) -> any Decoder {
            probe?.requested(key)
            return PlaceholderDecoder(depth: depth, probe: nil)
        }
    }

    private struct UnkeyedContainer: UnkeyedDecodingContainer {
        let depth: Int
        var codingPath: [any CodingKey] { [] }
        var count: Int? { 0 }
        var isAtEnd: Bool { true }
        var currentIndex: Int { 0 }

        mutating func decodeNil() throws -> Bool { throw pastEnd() }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { throw pastEnd() }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            throw pastEnd()
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { throw pastEnd() }
        mutating func superDecoder() throws -> any Decoder { throw pastEnd() }

        private func pastEnd() -> DecodingError {
            DecodingError.valueNotFound(
                Any.self, DecodingError.Context(codingPath: [], debugDescription: "a stand-in list is empty"))
        }
    }

    private struct SingleValueContainer: SingleValueDecodingContainer {
        let depth: Int
        let probe: Probe?
        var codingPath: [any CodingKey] { [] }

        func decodeNil() -> Bool { true }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            try ConfigPlaceholder.make(type, depth: depth, probe: probe)
        }
    }
}

/// Lets the config decoder see through `Optional` to the type it wraps.
protocol ConfigOptional {
    /// The wrapped type, when it is decodable.
    static var wrappedDecodable: (any Decodable.Type)? { get }
}

extension Optional: ConfigOptional {
    static var wrappedDecodable: (any Decodable.Type)? { Wrapped.self as? any Decodable.Type }
}
