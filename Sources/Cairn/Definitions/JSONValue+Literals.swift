extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral,
    ExpressibleByNilLiteral
{
    /// A string literal is a string: `["source": "api"]`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An integer literal is a number: `["min_age": 50]`.
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    /// A floating-point literal is a number.
    public init(floatLiteral value: Double) { self = .number(value) }
    /// A boolean literal is a boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An array literal is an array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// A dictionary literal is an object; a repeated key keeps its last value.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
    /// `nil` is `null`.
    public init(nilLiteral: ()) { self = .null }
}
