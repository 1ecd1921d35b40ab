import Cairn

/// A JSON value of a Pipes message, as the external process wrote it: integers and floats
/// stay apart (the `__infer__` metadata type depends on it), integers too large for `Int` keep
/// their digits, and object members keep their order.
public enum PipesValue: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// An integer literal that fits `Int`.
    case int(Int)
    /// An integer literal too large for `Int`, as its digits.
    case bigInteger(String)
    /// A number with a fraction or an exponent, or `NaN`, `Infinity`, `-Infinity`.
    case float(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([PipesValue])
    /// An object, its members in the order written.
    case object([(key: String, value: PipesValue)])

    /// Compares values; objects member by member, in order.
    public static func == (lhs: PipesValue, rhs: PipesValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.bigInteger(let a), .bigInteger(let b)): a == b
        case (.float(let a), .float(let b)): a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The member named `key` of an object; `nil` for other values or a missing member.
    public subscript(key: String) -> PipesValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// The string, for `.string`.
    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The value as Cairn's `JSONValue`: numbers become doubles, big integers keep their digits
    /// as close as a double can.
    public var jsonValue: JSONValue {
        switch self {
        case .null: .null
        case .bool(let value): .bool(value)
        case .int(let value): .number(Double(value))
        case .bigInteger(let digits): .number(Double(digits) ?? 0)
        case .float(let value): value.isFinite ? .number(value) : .string(String(value))
        case .string(let value): .string(value)
        case .array(let values): .array(values.map(\.jsonValue))
        case .object(let members):
            .object(Dictionary(members.map { ($0.key, $0.value.jsonValue) }, uniquingKeysWith: { _, last in last }))
        }
    }

    /// A short name of the value's JSON type, for error messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .bigInteger: "an integer"
        case .float: "a float"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
