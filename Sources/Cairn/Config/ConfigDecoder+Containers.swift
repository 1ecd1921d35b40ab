import Foundation

extension ConfigDecoder {
    /// Decodes one value of the config, remembering which keys of an object its type asked for.
    final class ValueDecoder: Decoder {
        let session: Session
        let value: JSONValue?
        let path: [String]
        /// Where in the session's issues the problems of this value begin; unknown keys go there.
        private let firstIssue: Int
        /// The keys the type asked for through keyed containers.
        private var requestedKeys: Set<String> = []
        /// The keys of the object that the type's coding keys cannot represent, seen through `allKeys`.
        private var rejectedKeys: Set<String> = []
        /// Whether the type read the value as an object, so that keys it did not ask for are unknown.
        private var readAsObject = false
        /// Decoders of values reached through nested containers, checked for unknown keys with this one.
        private var nestedDecoders: [ValueDecoder] = []

        init(session: Session, value: JSONValue?, path: [String]) {
            self.session = session
            self.value = value
            self.path = path
            self.firstIssue = session.issues.count
        }

        var codingPath: [any CodingKey] { path.map { ConfigCodingKey(stringValue: $0) } }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
            switch value {
            case nil:
                readAsObject = true
                return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, object: [:]))
            case .object(let object)?:
                readAsObject = true
                return KeyedDecodingContainer(KeyedContainer<Key>(decoder: self, object: object))
            case let other?:
                session.record(path, "expected an object, got \(describe(other))")
                throw Abort()
            }
        }

        func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
            switch value {
            case nil:
                session.record(path, "missing required value (a list)")
                throw Abort()
            case .array(let elements)?:
                return UnkeyedContainer(decoder: self, elements: elements)
            case let other?:
                session.record(path, "expected a list, got \(describe(other))")
                throw Abort()
            }
        }

        func singleValueContainer() -> any SingleValueDecodingContainer {
            SingleValueContainer(decoder: self)
        }

        func requested(_ key: String) {
            requestedKeys.insert(key)
        }

        func rejected(_ key: String) {
            rejectedKeys.insert(key)
        }

        /// A decoder for a value reached through a nested container rather than a `decode` call.
        func nested(_ value: JSONValue?, at path: [String]) -> ValueDecoder {
            let decoder = ValueDecoder(session: session, value: value, path: path)
            nestedDecoders.append(decoder)
            return decoder
        }

        /// How far the type got with decoding the value, for finding its unknown keys.
        enum Completion {
            /// The type decoded the value: every key it did not ask for is unknown.
            case finished
            /// Decoding stopped early; `alsoKnown` are the keys the type would have gone on to ask for,
            /// learnt from stand-ins, or `nil` if they could not be learnt. Without them only keys its
            /// coding keys reject (seen through `allKeys`) are surely unknown.
            case stoppedEarly(alsoKnown: Set<String>?)
        }

        /// Records the keys of the object that the type never asked for.
        func reportUnknownKeys(_ completion: Completion = .finished) {
            var candidates: Set<String>?
            switch completion {
            case .finished:
                for decoder in nestedDecoders {
                    decoder.reportUnknownKeys()
                }
            case .stoppedEarly(let known?):
                requestedKeys.formUnion(known)
            case .stoppedEarly(nil):
                candidates = rejectedKeys
            }
            guard readAsObject, case .object(let object)? = value else { return }
            let unknown = (candidates ?? Set(object.keys)).filter {
                !requestedKeys.contains($0) && session.isProvided(path + [$0])
            }
            guard !unknown.isEmpty else { return }
            let absent = requestedKeys.filter { object[$0] == nil }
            let issues = unknown.sorted().map { key in
                let hint = hint(for: key, absent: absent, complete: candidates == nil)
                return ConfigError.Issue(path: path + [key], message: "unknown key" + hint)
            }
            session.insert(issues, at: firstIssue)
        }

        private func hint(for key: String, absent: Set<String>, complete: Bool) -> String {
            if let suggestion = NearestName.suggestion(for: key, among: absent.sorted())
                ?? NearestName.suggestion(for: key, among: requestedKeys.sorted())
            {
                return "; did you mean '\(suggestion)'?"
            }
            guard complete else { return "" }
            if requestedKeys.isEmpty { return "; no keys are expected here" }
            let known = requestedKeys.sorted()
            let shown = known.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
            return "; expected one of \(shown)\(known.count > 20 ? ", …" : "")"
        }
    }

    /// The keys of an object; every key asked for is remembered as known.
    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let decoder: ValueDecoder
        let object: [String: JSONValue]

        var codingPath: [any CodingKey] { decoder.codingPath }
        private var session: Session { decoder.session }

        var allKeys: [Key] {
            object.keys.sorted().compactMap { name in
                guard let key = Key(stringValue: name) else {
                    decoder.rejected(name)
                    return nil
                }
                decoder.requested(key.stringValue)
                return key
            }
        }

        func contains(_ key: Key) -> Bool {
            decoder.requested(key.stringValue)
            return object[key.stringValue] != nil
        }

        func decodeNil(forKey key: Key) -> Bool {
            decoder.requested(key.stringValue)
            return (object[key.stringValue] ?? .null) == .null
        }

        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(type, forKey: key) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(type, forKey: key) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(type, forKey: key) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(type, forKey: key) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(type, forKey: key) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(type, forKey: key) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(type, forKey: key) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(type, forKey: key) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(type, forKey: key) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(type, forKey: key) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(type, forKey: key) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(type, forKey: key) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(type, forKey: key) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(type, forKey: key) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try value(type, forKey: key) }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: Float.Type, forKey key: Key) throws -> Float? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: Int8.Type, forKey key: Key) throws -> Int8? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: Int16.Type, forKey key: Key) throws -> Int16? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt.Type, forKey key: Key) throws -> UInt? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt8.Type, forKey key: Key) throws -> UInt8? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt16.Type, forKey key: Key) throws -> UInt16? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt32.Type, forKey key: Key) throws -> UInt32? { try valueIfPresent(type, key) }
        func decodeIfPresent(_ type: UInt64.Type, forKey key: Key) throws -> UInt64? { try valueIfPresent(type, key) }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            try valueIfPresent(type, key)
        }

        private func value<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            decoder.requested(key.stringValue)
            guard let value = object[key.stringValue] else {
                return try session.missing(type, key: key.stringValue, in: decoder.path)
            }
            return try session.decodeOrPlaceholder(type, from: value, at: decoder.path + [key.stringValue])
        }

        private func valueIfPresent<T: Decodable>(_ type: T.Type, _ key: Key) throws -> T? {
            decoder.requested(key.stringValue)
            guard let value = object[key.stringValue], value != .null else { return nil }
            return try session.decodeOrPlaceholder(type, from: value, at: decoder.path + [key.stringValue])
        }

        /// The value of `key` for a nested container, which must be there.
        private func required(_ key: Key, _ expectation: String) throws -> JSONValue {
            decoder.requested(key.stringValue)
            guard let value = object[key.stringValue] else {
                session.record(decoder.path, "missing required value '\(key.stringValue)' (\(expectation))")
                throw Abort()
            }
            return value
        }

        func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type, forKey key: Key
        ) throws -> KeyedDecodingContainer<NestedKey> {
            let value = try required(key, "an object")
            return try decoder.nested(value, at: decoder.path + [key.stringValue]).container(keyedBy: type)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            let value = try required(key, "a list")
            return try decoder.nested(value, at: decoder.path + [key.stringValue]).unkeyedContainer()
        }

        func superDecoder() -> any Decoder {
            decoder.requested("super")
            return decoder.nested(object["super"], at: decoder.path + ["super"])
        }

        func superDecoder(forKey key: Key) -> any Decoder {
            decoder.requested(key.stringValue)
            return decoder.nested(object[key.stringValue], at: decoder.path + [key.stringValue])
        }
    }

    /// The elements of a list, in order.
    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let decoder: ValueDecoder
        let elements: [JSONValue]
        private(set) var currentIndex = 0

        init(decoder: ValueDecoder, elements: [JSONValue]) {
            self.decoder = decoder
            self.elements = elements
        }

        var codingPath: [any CodingKey] { decoder.codingPath }
        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode(_ type: Bool.Type) throws -> Bool { try element(type) }
        mutating func decode(_ type: String.Type) throws -> String { try element(type) }
        mutating func decode(_ type: Double.Type) throws -> Double { try element(type) }
        mutating func decode(_ type: Float.Type) throws -> Float { try element(type) }
        mutating func decode(_ type: Int.Type) throws -> Int { try element(type) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { try element(type) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { try element(type) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { try element(type) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { try element(type) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { try element(type) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try element(type) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try element(type) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try element(type) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try element(type) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try element(type) }

        private mutating func element<T: Decodable>(_ type: T.Type) throws -> T {
            let (value, path) = try next(ConfigPlaceholder.expectation(of: type))
            return try decoder.session.decodeOrPlaceholder(type, from: value, at: path)
        }

        /// The next element and its path.
        private mutating func next(_ expectation: @autoclosure () -> String) throws -> (JSONValue, [String]) {
            guard !isAtEnd else {
                let count = elements.count
                decoder.session.record(
                    decoder.path,
                    "expected another value (\(expectation())) after the \(count) \(count == 1 ? "value" : "values") "
                        + "of the list")
                throw Abort()
            }
            defer { currentIndex += 1 }
            return (elements[currentIndex], decoder.path + [ConfigError.index(currentIndex)])
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy type: NestedKey.Type
        ) throws -> KeyedDecodingContainer<NestedKey> {
            let (value, path) = try next("an object")
            return try decoder.nested(value, at: path).container(keyedBy: type)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (value, path) = try next("a list")
            return try decoder.nested(value, at: path).unkeyedContainer()
        }

        mutating func superDecoder() throws -> any Decoder {
            let (value, path) = try next("a value")
            return decoder.nested(value, at: path)
        }
    }

    /// The value itself, for types that decode from a single value such as optionals and wrappers.
    ///
    /// A scalar of the wrong type throws a `DecodingError` without recording it, so that a type may try
    /// one reading after another (`try? decode(Int.self)`, then `String`); the error is recorded
    /// when it ends the type's decoding.
    struct SingleValueContainer: SingleValueDecodingContainer {
        let decoder: ValueDecoder

        var codingPath: [any CodingKey] { decoder.codingPath }

        func decodeNil() -> Bool {
            (decoder.value ?? .null) == .null
        }

        func decode(_ type: Bool.Type) throws -> Bool { try scalar(type) }
        func decode(_ type: String.Type) throws -> String { try scalar(type) }
        func decode(_ type: Double.Type) throws -> Double { try scalar(type) }
        func decode(_ type: Float.Type) throws -> Float { try scalar(type) }
        func decode(_ type: Int.Type) throws -> Int { try scalar(type) }
        func decode(_ type: Int8.Type) throws -> Int8 { try scalar(type) }
        func decode(_ type: Int16.Type) throws -> Int16 { try scalar(type) }
        func decode(_ type: Int32.Type) throws -> Int32 { try scalar(type) }
        func decode(_ type: Int64.Type) throws -> Int64 { try scalar(type) }
        func decode(_ type: UInt.Type) throws -> UInt { try scalar(type) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try scalar(type) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try scalar(type) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try scalar(type) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try scalar(type) }

        func decode<T: Decodable>(_ type: T.Type) throws -> T {
            if let scalar = T.self as? any ConfigScalar.Type {
                return try self.scalar(scalar) as! T
            }
            return try decoder.session.decodeOrPlaceholder(type, from: decoder.value, at: decoder.path)
        }

        private func scalar<Scalar: ConfigScalar>(_ type: Scalar.Type) throws -> Scalar {
            do {
                return try Session.read(type, from: decoder.value)
            } catch {
                throw DecodingError.typeMismatch(
                    type, DecodingError.Context(codingPath: codingPath, debugDescription: error.message))
            }
        }
    }
}
