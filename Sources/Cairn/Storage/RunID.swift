import Foundation

/// The unique identifier of a run: a lowercase UUID, as in Dagster.
public struct RunID: Hashable, Comparable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral
{
    /// The identifier's text.
    public let rawValue: String

    /// Wraps an identifier's text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// Wraps an identifier written as a literal, for tests.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// A new random identifier.
    public static func random() -> RunID {
        RunID(UUID().uuidString.lowercased())
    }

    /// The identifier's text.
    public var description: String { rawValue }

    /// The first eight characters, as the CLI shows them.
    public var short: String { String(rawValue.prefix(8)) }

    /// Orders identifiers by their text.
    public static func < (lhs: RunID, rhs: RunID) -> Bool { lhs.rawValue < rhs.rawValue }

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
