import Foundation

/// The key of one partition of an asset: a day (`2024-01-05`), an hour, a region, a tenant.
///
/// Keys of multi-dimensional partitions join the dimensions' keys with `|`, ordered by
/// dimension name, as in Dagster: `2024-01-05|eu`.
public struct PartitionKey: StringIdentifier {
    /// The key's text.
    public let rawValue: String

    /// Wraps a key's text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// The key of a multi-dimensional partition from each dimension's key, joined by `|` in the
    /// order of the dimensions' names.
    public init(dimensions: [String: PartitionKey]) {
        self.init(dimensions.sorted { $0.key < $1.key }.map(\.value.rawValue).joined(separator: "|"))
    }

    /// The relative path at which IO managers store the partition's value: one directory level per
    /// dimension (`2024-01-05/eu` for `2024-01-05|eu`), with `/` inside a key escaped as `%2F`
    /// so that no key reaches outside its asset's directory.
    public var relativePath: String {
        rawValue.split(separator: "|", omittingEmptySubsequences: false).map { part in
            let escaped = part.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "/", with: "%2F")
            return escaped == "." || escaped == ".." || escaped.isEmpty ? "%" + escaped : escaped
        }.joined(separator: "/")
    }
}

/// An inclusive range of partition keys, in the order of their partitions definition:
/// `2024-01-01...2024-01-31`.
public struct PartitionKeyRange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The first key.
    public var start: PartitionKey
    /// The last key, included.
    public var end: PartitionKey

    /// The range of one partition.
    public init(_ key: PartitionKey) {
        self.init(key, key)
    }

    /// Creates a range from its first and last keys.
    public init(_ start: PartitionKey, _ end: PartitionKey) {
        self.start = start
        self.end = end
    }

    /// `start...end`.
    public var description: String { "\(start)...\(end)" }

    /// Parses `start...end`; a single key is a range of one.
    public init?(parsing text: String) {
        let parts = text.components(separatedBy: "...")
        switch parts.count {
        case 1 where !text.isEmpty: self.init(PartitionKey(text), PartitionKey(text))
        case 2 where !parts[0].isEmpty && !parts[1].isEmpty:
            self.init(PartitionKey(parts[0]), PartitionKey(parts[1]))
        default: return nil
        }
    }
}
