import OrderedCollections

/// Labelled metadata values in the order they were added.
///
/// ```swift
/// context.addMetadata(["rows": .int(rows.count), "schema": .tableSchema(TableSchema(inferringFrom: rows))])
/// ```
public struct Metadata: Hashable, Sendable, ExpressibleByDictionaryLiteral, Sequence {
    /// The entries, by label, in insertion order.
    public private(set) var entries: OrderedDictionary<String, MetadataValue>

    /// Creates metadata from labelled values; a later value for the same label wins.
    public init(_ entries: some Sequence<(String, MetadataValue)> = []) {
        self.entries = OrderedDictionary(entries, uniquingKeysWith: { _, new in new })
    }

    /// Creates metadata from a dictionary literal, keeping the literal's order.
    public init(dictionaryLiteral elements: (String, MetadataValue)...) {
        self.init(elements)
    }

    /// The value for a label.
    public subscript(label: String) -> MetadataValue? {
        get { entries[label] }
        set { entries[label] = newValue }
    }

    /// Whether there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// The number of entries.
    public var count: Int { entries.count }

    /// Adds or replaces the entries of `other`, keeping the order of first appearance.
    public mutating func merge(_ other: Metadata) {
        for (label, value) in other.entries {
            entries[label] = value
        }
    }

    /// This metadata with the entries of `other` added or replaced.
    public func merging(_ other: Metadata) -> Metadata {
        var copy = self
        copy.merge(other)
        return copy
    }

    /// Iterates the entries as `(label, value)` pairs in order.
    public func makeIterator() -> some IteratorProtocol<(label: String, value: MetadataValue)> {
        entries.lazy.map { (label: $0.key, value: $0.value) }.makeIterator()
    }
}

extension Metadata: Codable {
    private struct Entry: Codable {
        var label: String
        var value: MetadataValue
    }

    /// Decodes an array of `{"label": ..., "value": {"type": ..., "value": ...}}`.
    public init(from decoder: any Decoder) throws {
        let list = try [Entry](from: decoder)
        self.init(list.map { ($0.label, $0.value) })
    }

    /// Encodes as an ordered array of labelled values.
    public func encode(to encoder: any Encoder) throws {
        try entries.map { Entry(label: $0.key, value: $0.value) }.encode(to: encoder)
    }
}
