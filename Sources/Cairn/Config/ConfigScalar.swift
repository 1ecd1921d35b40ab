import Foundation

/// A type that config holds as a single JSON value: strings, booleans, numbers, dates, URLs.
///
/// The config decoder reads these directly, without a container, so that a mismatch is reported as
/// `expected a number, got "abc"`; the config encoder writes them the same way.
protocol ConfigScalar: Codable {
    /// What the value should look like, for messages: `an integer`, `a string`.
    static var configExpectation: String { get }
    /// A stand-in value, used to go on decoding after a bad value so that later problems are found too.
    static var configPlaceholder: Self { get }
    /// The value written in `json`, or what was expected instead.
    static func readConfig(_ json: JSONValue) -> Result<Self, ConfigScalarMismatch>
    /// The value as JSON.
    var configJSON: JSONValue { get }
}

/// What a scalar of config should have been, when the JSON value is not one.
struct ConfigScalarMismatch: Error {
    /// What was expected, as `an integer from 0 to 255 (UInt8)`.
    let expected: String
    /// A sentence to add after `expected ..., got ...`, such as how to write a string.
    var hint: String = ""
}

extension Bool: ConfigScalar {
    static var configExpectation: String { "true or false" }
    static var configPlaceholder: Bool { false }
    var configJSON: JSONValue { .bool(self) }

    static func readConfig(_ json: JSONValue) -> Result<Bool, ConfigScalarMismatch> {
        guard case .bool(let value) = json else { return .failure(ConfigScalarMismatch(expected: configExpectation)) }
        return .success(value)
    }
}

extension String: ConfigScalar {
    static var configExpectation: String { "a string" }
    static var configPlaceholder: String { "" }
    var configJSON: JSONValue { .string(self) }

    static func readConfig(_ json: JSONValue) -> Result<String, ConfigScalarMismatch> {
        switch json {
        case .string(let value):
            return .success(value)
        case .number, .bool:
            return .failure(
                ConfigScalarMismatch(expected: configExpectation, hint: "; write it in quotes to make it a string"))
        default:
            return .failure(ConfigScalarMismatch(expected: configExpectation))
        }
    }
}

/// Reading and writing integers of every width, with range checks.
protocol ConfigInteger: ConfigScalar, FixedWidthInteger {}

extension ConfigInteger {
    static var configExpectation: String { "an integer" }
    static var configPlaceholder: Self { 0 }
    var configJSON: JSONValue { .number(Double(self)) }

    static func readConfig(_ json: JSONValue) -> Result<Self, ConfigScalarMismatch> {
        guard case .number(let number) = json, number.isFinite, number.rounded(.towardZero) == number else {
            return .failure(ConfigScalarMismatch(expected: configExpectation))
        }
        guard let value = Self(exactly: number) else {
            return .failure(ConfigScalarMismatch(expected: "an integer from \(Self.min) to \(Self.max) (\(Self.self))"))
        }
        return .success(value)
    }
}

extension Int: ConfigInteger {}
extension Int8: ConfigInteger {}
extension Int16: ConfigInteger {}
extension Int32: ConfigInteger {}
extension Int64: ConfigInteger {}
extension UInt: ConfigInteger {}
extension UInt8: ConfigInteger {}
extension UInt16: ConfigInteger {}
extension UInt32: ConfigInteger {}
extension UInt64: ConfigInteger {}

extension Double: ConfigScalar {
    static var configExpectation: String { "a number" }
    static var configPlaceholder: Double { 0 }
    var configJSON: JSONValue { .number(self) }

    static func readConfig(_ json: JSONValue) -> Result<Double, ConfigScalarMismatch> {
        guard case .number(let value) = json else { return .failure(ConfigScalarMismatch(expected: configExpectation)) }
        return .success(value)
    }
}

extension Float: ConfigScalar {
    static var configExpectation: String { "a number" }
    static var configPlaceholder: Float { 0 }
    var configJSON: JSONValue { .number(Double(self)) }

    static func readConfig(_ json: JSONValue) -> Result<Float, ConfigScalarMismatch> {
        guard case .number(let number) = json else {
            return .failure(ConfigScalarMismatch(expected: configExpectation))
        }
        let value = Float(number)
        guard value.isFinite || !number.isFinite else {
            return .failure(
                ConfigScalarMismatch(
                    expected:
                        "a number from \(-Float.greatestFiniteMagnitude) to \(Float.greatestFiniteMagnitude) (Float)"))
        }
        return .success(value)
    }
}

extension Decimal: ConfigScalar {
    static var configExpectation: String { "a number" }
    static var configPlaceholder: Decimal { 0 }
    var configJSON: JSONValue { .number(Double(description) ?? 0) }

    static func readConfig(_ json: JSONValue) -> Result<Decimal, ConfigScalarMismatch> {
        switch json {
        case .number(let number) where number.isFinite:
            return Decimal(string: "\(number)").map { .success($0) }
                ?? .failure(ConfigScalarMismatch(expected: configExpectation))
        case .string(let text) where Double(text) != nil:
            return Decimal(string: text).map { .success($0) }
                ?? .failure(ConfigScalarMismatch(expected: configExpectation))
        default:
            return .failure(ConfigScalarMismatch(expected: configExpectation))
        }
    }
}

extension Date: ConfigScalar {
    static var configExpectation: String { "a date such as 2024-04-01 or 2024-04-01T13:05:00Z" }
    static var configPlaceholder: Date { Date(timeIntervalSince1970: 0) }
    var configJSON: JSONValue { .string(ISO8601Timestamp.format(self)) }

    static func readConfig(_ json: JSONValue) -> Result<Date, ConfigScalarMismatch> {
        guard case .string(var text) = json else { return .failure(ConfigScalarMismatch(expected: configExpectation)) }
        let date = text.withUTF8 { ISO8601Timestamp.parse($0) }
        guard let date else {
            return .failure(
                ConfigScalarMismatch(expected: "an ISO 8601 date such as 2024-04-01 or 2024-04-01T13:05:00Z"))
        }
        return .success(date)
    }
}

extension URL: ConfigScalar {
    static var configExpectation: String { "a URL" }
    static var configPlaceholder: URL { URL(string: "about:blank")! }
    var configJSON: JSONValue { .string(absoluteString) }

    static func readConfig(_ json: JSONValue) -> Result<URL, ConfigScalarMismatch> {
        guard case .string(let text) = json, !text.isEmpty, let url = URL(string: text) else {
            return .failure(ConfigScalarMismatch(expected: configExpectation))
        }
        return .success(url)
    }
}

extension UUID: ConfigScalar {
    static var configExpectation: String { "a UUID" }
    static var configPlaceholder: UUID { UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)) }
    var configJSON: JSONValue { .string(uuidString) }

    static func readConfig(_ json: JSONValue) -> Result<UUID, ConfigScalarMismatch> {
        guard case .string(let text) = json, let uuid = UUID(uuidString: text) else {
            return .failure(ConfigScalarMismatch(expected: configExpectation))
        }
        return .success(uuid)
    }
}
