/// The keys a dynamic partition set holds at one moment, with the ordinal each key got when it
/// was first added: the positions at which partition statuses keep it.
public struct DynamicPartitionKeys: Hashable, Sendable {
    /// The set's name.
    public let name: String
    /// The keys, in the order they were first added.
    public let keys: [PartitionKey]
    /// The ordinal of each key, in the same order, increasing.
    public let ordinals: [Int]
    /// The ordinal of each key.
    let ordinalByKey: [PartitionKey: Int]
    /// The key at each ordinal.
    let keyByOrdinal: [Int: PartitionKey]
    /// The ordinals of the keys the set holds.
    let existing: PartitionRanges

    /// Creates the keys of a set from keys and their ordinals, both in increasing order of ordinal.
    public init(name: String, keys: [PartitionKey], ordinals: [Int]) {
        precondition(keys.count == ordinals.count, "every dynamic partition key needs its ordinal")
        self.name = name
        self.keys = keys
        self.ordinals = ordinals
        ordinalByKey = Dictionary(zip(keys, ordinals), uniquingKeysWith: { first, _ in first })
        keyByOrdinal = Dictionary(zip(ordinals, keys), uniquingKeysWith: { first, _ in first })
        existing = PartitionRanges(positions: ordinals)
    }

    /// An empty set.
    public init(name: String) {
        self.init(name: name, keys: [], ordinals: [])
    }

    /// Whether the set holds `key`.
    public func contains(_ key: PartitionKey) -> Bool { ordinalByKey[key] != nil }

    /// Compares names and keys.
    public static func == (lhs: DynamicPartitionKeys, rhs: DynamicPartitionKeys) -> Bool {
        lhs.name == rhs.name && lhs.keys == rhs.keys && lhs.ordinals == rhs.ordinals
    }

    /// Hashes names and keys.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(keys)
    }
}
