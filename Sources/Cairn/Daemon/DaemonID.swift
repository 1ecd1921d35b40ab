import Foundation

/// The identifier of one daemon process, random for each start, so that the heartbeats of two
/// daemons sharing a home, or of a daemon and its restart, stay apart.
public struct DaemonID: StringIdentifier {
    /// The identifier's text.
    public let rawValue: String

    /// Wraps an identifier's text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random identifier.
    public static func random() -> DaemonID {
        DaemonID(UUID().uuidString.lowercased())
    }

    /// The first eight characters, as the CLI shows them.
    public var short: String { String(rawValue.prefix(8)) }
}
