import Foundation

/// Decodes typed config from a `JSONValue`, reporting every problem with the path of its value.
///
/// ```swift
/// struct HighsConfig: Codable { var threshold: Double; var stations: [String]? }
/// let given: JSONValue = .object(["threshold": .string("abc"), "treshold": .number(3)])
/// let config = try ConfigDecoder().decode(HighsConfig.self, from: given, at: ["ops", "daily_highs", "config"])
/// // invalid run config (2 problems):
/// //   ops.daily_highs.config.treshold: unknown key; did you mean 'threshold'?
/// //   ops.daily_highs.config.threshold: expected a number, got "abc"
/// ```
///
/// Reads strings, `Bool`, integers of every width (range checked; `3.0` is an integer), `Double`,
/// `Float`, `Decimal`, `Date` (ISO 8601 strings), `URL`, `UUID`, enums with raw values, optionals,
/// arrays, sets, dictionaries with string keys, `JSONValue` and nested structs. A key of an object
/// that the type's decoding never asked for is an unknown key, with a did-you-mean hint. After a bad
/// value decoding goes on with a stand-in, so one pass finds every unknown key and type error; a
/// type whose own `init(from:)` checks its values stops at its first complaint.
public struct ConfigDecoder: Sendable {
    /// Creates a decoder.
    public init() {}

    /// Decodes `type` from `value`, the config found at `path` (`nil` when no config was given).
    ///
    /// When `value` is `nil` a struct is decoded from an empty object, so that each missing required
    /// field is named and a struct whose fields are all optional needs no config at all.
    public func decode<T: Decodable>(
        _ type: T.Type, from value: JSONValue?, at path: [String] = []
    ) throws(ConfigError) -> T {
        try decode(type, from: value, at: path, provided: nil)
    }

    /// Decodes like `decode(_:from:at:)`; with `provided`, only keys present in it can be unknown
    /// keys, for values merged from defaults and what the user wrote.
    func decode<T: Decodable>(
        _ type: T.Type, from value: JSONValue?, at path: [String], provided: JSONValue??
    ) throws(ConfigError) -> T {
        let session = Session(basePath: path, provided: provided)
        let result = try? session.decode(type, from: value, at: path)
        guard session.issues.isEmpty, let result else {
            let issues =
                session.issues.isEmpty ? [ConfigError.Issue(path: path, message: "is not valid")] : session.issues
            throw ConfigError(issues: issues)
        }
        return result
    }

    /// A JSON value as shown in messages: scalars as written in JSON (strings quoted and cut at 60
    /// characters), containers as `a list` or `an object`.
    static func describe(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool(let value): return value ? "true" : "false"
        case .number(let number):
            if number.rounded(.towardZero) == number, abs(number) < 1e15 { return String(Int64(number)) }
            return "\(number)"
        case .string(let text):
            let shown = text.count > 60 ? String(text.prefix(60)) + "…" : text
            return JSONValue.string(shown).description
        case .array: return "a list"
        case .object: return "an object"
        }
    }

    /// Ends the decoding of a value after its problem is recorded; never reaches the user.
    struct Abort: Error {}
}

extension ConfigDecoder {
    /// The state of one decoding: the issues found so far.
    final class Session {
        private(set) var issues: [ConfigError.Issue] = []
        /// The path of the root value.
        private let basePath: [String]
        /// What the user wrote, when it differs from the value decoded; `.some(nil)` for nothing.
        private let provided: JSONValue??

        init(basePath: [String], provided: JSONValue??) {
            self.basePath = basePath
            self.provided = provided
        }

        func record(_ path: [String], _ message: String) {
            issues.append(ConfigError.Issue(path: path, message: message))
        }

        func insert(_ newIssues: [ConfigError.Issue], at index: Int) {
            issues.insert(contentsOf: newIssues, at: min(index, issues.count))
        }

        /// Decodes `type` from `value` (`nil` when absent), recording every problem; throws `Abort`
        /// when no value could be made.
        func decode<T: Decodable>(_ type: T.Type, from value: JSONValue?, at path: [String]) throws -> T {
            if let scalar = T.self as? any ConfigScalar.Type {
                do {
                    return try Self.read(scalar, from: value) as! T
                } catch {
                    record(path, error.message)
                    throw Abort()
                }
            }
            if T.self == JSONValue.self { return (value ?? .null) as! T }
            if let value, let allowed = ConfigPlaceholder.allowedValues(of: T.self), !allowed.contains(value) {
                record(path, "expected one of \(ConfigPlaceholder.list(allowed)), got \(describe(value))")
                throw Abort()
            }
            let before = issues.count
            let decoder = ValueDecoder(session: self, value: value, path: path)
            do {
                let result = try T(from: decoder)
                decoder.reportUnknownKeys()
                return result
            } catch {
                // A type's own complaint about a stand-in it was given is not worth reporting.
                if !(error is Abort), issues.count == before {
                    let (errorPath, message) = explain(error, decoding: T.self, from: value, at: path)
                    record(errorPath, message)
                }
                // Decoding stopped before the type asked for all its keys: learn the rest from stand-ins.
                decoder.reportUnknownKeys(.stoppedEarly(alsoKnown: ConfigPlaceholder.requestedKeys(of: type)))
                throw Abort()
            }
        }

        /// Decodes `type` from `value`, or returns a stand-in after recording the problem.
        func decodeOrPlaceholder<T: Decodable>(_ type: T.Type, from value: JSONValue?, at path: [String]) throws -> T {
            do {
                return try decode(type, from: value, at: path)
            } catch {
                guard let placeholder = ConfigPlaceholder.make(type) else { throw Abort() }
                return placeholder
            }
        }

        /// Records that the object at `path` lacks `key`, a required value of `type`, and returns a stand-in;
        /// an optional is `nil` without a problem.
        func missing<T: Decodable>(_ type: T.Type, key: String, in path: [String]) throws -> T {
            if T.self is any ConfigOptional.Type, let none = ConfigPlaceholder.make(type) { return none }
            record(path, "missing required value '\(key)' (\(ConfigPlaceholder.expectation(of: type)))")
            guard let placeholder = ConfigPlaceholder.make(type) else { throw Abort() }
            return placeholder
        }

        /// Whether the user wrote the value at `path`, so that an unknown key there is theirs to fix.
        func isProvided(_ path: [String]) -> Bool {
            guard let provided else { return true }
            guard var value = provided, path.starts(with: basePath) else { return false }
            for component in path.dropFirst(basePath.count) {
                switch value {
                case .object(let object):
                    guard let next = object[component] else { return false }
                    value = next
                case .array(let array):
                    guard let index = ConfigCodingKey(stringValue: component).intValue, array.indices.contains(index)
                    else { return false }
                    value = array[index]
                default:
                    return false
                }
            }
            return true
        }

        /// Reads a scalar, or says what was expected instead.
        static func read<Scalar: ConfigScalar>(
            _ type: Scalar.Type, from value: JSONValue?
        ) throws(ScalarProblem) -> Scalar {
            guard let value else {
                throw ScalarProblem(message: "missing required value (\(type.configExpectation))")
            }
            switch type.readConfig(value) {
            case .success(let scalar):
                return scalar
            case .failure(let mismatch):
                throw ScalarProblem(message: "expected \(mismatch.expected), got \(describe(value))\(mismatch.hint)")
            }
        }

        /// The path and message for an error thrown by a type's own decoding.
        private func explain(
            _ error: any Error, decoding type: Any.Type, from value: JSONValue?, at path: [String]
        ) -> ([String], String) {
            guard let decodingError = error as? DecodingError else { return (path, String(describing: error)) }
            let context: DecodingError.Context
            switch decodingError {
            case .dataCorrupted(let found), .typeMismatch(_, let found), .valueNotFound(_, let found),
                .keyNotFound(_, let found):
                context = found
            @unknown default:
                return (path, String(describing: error))
            }
            if case .dataCorrupted = decodingError, type is any RawRepresentable.Type, let value {
                return (path, "expected a valid \(type), got \(describe(value))")
            }
            let errorPath = context.codingPath.map(\.stringValue)
            return (errorPath.starts(with: path) ? errorPath : path, context.debugDescription)
        }
    }

    /// A scalar's problem, as the message to record.
    struct ScalarProblem: Error {
        let message: String
    }
}

/// A key of a config path; array indices are written `[3]`.
struct ConfigCodingKey: CodingKey {
    let stringValue: String
    let intValue: Int?

    init(stringValue: String) {
        self.stringValue = stringValue
        let bytes = stringValue.utf8
        if bytes.count >= 3, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") {
            intValue = Int(stringValue.dropFirst().dropLast())
        } else {
            intValue = nil
        }
    }

    init(intValue: Int) {
        self.stringValue = ConfigError.index(intValue)
        self.intValue = intValue
    }
}
