/// An identifier that is a piece of text (a run id, a backfill id, a partition key): compared,
/// ordered, printed and encoded as that text.
public protocol StringIdentifier: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier's text.
    var rawValue: String { get }
    /// Wraps an identifier's text.
    init(_ rawValue: String)
}

extension StringIdentifier {
    /// Wraps an identifier written as a literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The identifier's text.
    public var description: String { rawValue }

    /// Orders identifiers by their text.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Decodes the identifier's text.
    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the identifier's text.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
