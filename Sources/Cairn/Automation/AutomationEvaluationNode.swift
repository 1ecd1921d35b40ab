/// One node of an evaluated automation condition, as `automation explain` shows it: the node's
/// label, whether it held, for which partitions, why (for building blocks), and its children.
public struct AutomationEvaluationNode: Hashable, Sendable, Codable {
    /// The node's label (`eager`, `any_deps_updated`, `missing`) or, for the node that groups a
    /// dependency's results, the dependency's key.
    public var label: String
    /// The asset whose partitions the node was evaluated for, when it is a dependency of the
    /// evaluated asset; `nil` for the evaluated asset itself.
    public var dependency: AssetKey?
    /// How many candidates (partitions, or 1 for an unpartitioned asset) the node was evaluated for.
    public var candidateCount: Int
    /// How many of them it held for.
    public var trueCount: Int
    /// The partitions it held for, at most `AutomationEvaluationNode.partitionLimit`.
    public var truePartitions: [PartitionKey]
    /// Why a building block held or not (`raw_weather materialized in run 1a2b3c4d at …`).
    public var reasons: [String]
    /// The nodes it combines.
    public var children: [AutomationEvaluationNode]

    /// The most partitions and reasons a node keeps, so an explanation stays small.
    public static let partitionLimit = 100

    /// Creates a node.
    public init(
        label: String, dependency: AssetKey? = nil, candidateCount: Int, trueCount: Int,
        truePartitions: [PartitionKey] = [], reasons: [String] = [], children: [AutomationEvaluationNode] = []
    ) {
        self.label = label
        self.dependency = dependency
        self.candidateCount = candidateCount
        self.trueCount = trueCount
        self.truePartitions = truePartitions
        self.reasons = reasons
        self.children = children
    }

    /// A digest of what the node and its children held for (not why), equal for two evaluations
    /// with the same outcome at every node: a 64-bit FNV-1a hash, cheap enough for every tick.
    public var resultDigest: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        combineResult(into: &hash)
        return String(hash, radix: 16)
    }

    private func combineResult(into hash: inout UInt64) {
        Self.mix(label.utf8, into: &hash)
        for component in dependency?.path ?? [] { Self.mix(component.utf8, into: &hash) }
        Self.mix(String(candidateCount).utf8, into: &hash)
        Self.mix(String(trueCount).utf8, into: &hash)
        for partition in truePartitions { Self.mix(partition.rawValue.utf8, into: &hash) }
        for child in children { child.combineResult(into: &hash) }
        Self.mix([0xFF], into: &hash)
    }

    private static func mix(_ bytes: some Sequence<UInt8>, into hash: inout UInt64) {
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        hash = (hash ^ 0xFE) &* 0x100_0000_01b3
    }

    /// Whether the node held for at least one candidate.
    public var isTrue: Bool { trueCount > 0 }

    /// Whether the node held for `partition` of the evaluated asset: for nodes of the asset itself
    /// when a partition is given, whether it is among the true ones; otherwise `isTrue`.
    public func isTrue(for partition: PartitionKey?) -> Bool {
        guard let partition, dependency == nil else { return isTrue }
        return truePartitions.contains(partition)
    }
}
