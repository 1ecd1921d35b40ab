import Foundation

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
    /// with the same outcome at every node.
    public var resultDigest: String {
        var text = ""
        appendResult(to: &text)
        return DataVersion.hash(Data(text.utf8))
    }

    private func appendResult(to text: inout String) {
        text += "\(label)|\(dependency?.description ?? "")|\(candidateCount)|\(trueCount)|"
        text += truePartitions.map(\.rawValue).joined(separator: ",")
        text += "("
        for child in children { child.appendResult(to: &text) }
        text += ")"
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
