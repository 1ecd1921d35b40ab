import Foundation

/// The unique identifier of a run: a lowercase UUID, as in Dagster.
public struct RunID: StringIdentifier {
    /// The identifier's text.
    public let rawValue: String

    /// Wraps an identifier's text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random identifier.
    public static func random() -> RunID {
        RunID(UUID().uuidString.lowercased())
    }

    /// The first eight characters, as the CLI shows them.
    public var short: String { String(rawValue.prefix(8)) }
}
