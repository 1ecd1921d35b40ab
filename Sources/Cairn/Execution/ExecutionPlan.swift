/// The steps a run executes and the order constraints between them.
///
/// A step is one computation: an `Asset` or a whole `MultiAsset`. Source assets are never steps;
/// their values are loaded by the steps that need them.
public struct ExecutionPlan: Sendable {
    /// One step of the plan.
    public struct Step: Sendable {
        /// The step key (`daily_temperature_highs`, `warehouse__orders`).
        public let key: String
        /// The index of the computation in `AssetGraph.definitions`.
        public let definitionIndex: Int
        /// The assets the step materializes.
        public let assetKeys: [AssetKey]
        /// Indices of the steps in this plan that must succeed first.
        public let upstream: [Int]
        /// Indices of the steps in this plan that wait for this one.
        public let downstream: [Int]
    }

    /// The steps, each after all of its upstream steps.
    public let steps: [Step]

    /// Plans the steps that materialize the selected assets of `graph`.
    ///
    /// - Parameter selected: node indices of `graph`; source assets among them are ignored.
    /// - Throws: `PlanError` when nothing materializable is selected.
    public init(graph: AssetGraph, selected: Set<Int>) throws(PlanError) {
        var stepOfDefinition: [Int: Int] = [:]
        var definitionOfStep: [Int] = []
        for index in selected.sorted() where !graph.nodes[index].isSource {
            let definition = graph.nodes[index].definitionIndex
            if stepOfDefinition[definition] == nil {
                stepOfDefinition[definition] = definitionOfStep.count
                definitionOfStep.append(definition)
            }
        }
        guard !definitionOfStep.isEmpty else {
            throw PlanError.nothingToMaterialize(
                selected.map { graph.nodes[$0].key }.sorted())
        }

        var upstreamSets = [Set<Int>](repeating: [], count: definitionOfStep.count)
        for index in selected where !graph.nodes[index].isSource {
            let step = stepOfDefinition[graph.nodes[index].definitionIndex]!
            for parent in graph.parents[index] {
                if let upstreamStep = stepOfDefinition[graph.nodes[parent].definitionIndex], upstreamStep != step {
                    upstreamSets[step].insert(upstreamStep)
                }
            }
        }

        // Steps were numbered in topological node order, so an upstream step has a lower number
        // unless a multi-asset interleaves with another step; re-sort to be safe.
        var downstreamSets = [[Int]](repeating: [], count: definitionOfStep.count)
        for (step, upstream) in upstreamSets.enumerated() {
            for parent in upstream { downstreamSets[parent].append(step) }
        }
        var remaining = upstreamSets.map(\.count)
        var order: [Int] = []
        var ready = remaining.indices.filter { remaining[$0] == 0 }
        while let next = ready.popLast() {
            order.append(next)
            for child in downstreamSets[next] {
                remaining[child] -= 1
                if remaining[child] == 0 { ready.append(child) }
            }
        }
        guard order.count == definitionOfStep.count else {
            let stuck = remaining.indices.filter { remaining[$0] > 0 }.map {
                graph.definitions[definitionOfStep[$0]].name
            }
            throw PlanError.stepCycle(stuck.sorted())
        }
        order.sort()

        var position = [Int](repeating: 0, count: order.count)
        for (newIndex, oldIndex) in order.enumerated() { position[oldIndex] = newIndex }
        steps = order.map { oldIndex in
            let definition = graph.definitions[definitionOfStep[oldIndex]]
            return Step(
                key: definition.name,
                definitionIndex: definitionOfStep[oldIndex],
                assetKeys: definition.keys,
                upstream: upstreamSets[oldIndex].map { position[$0] }.sorted(),
                downstream: downstreamSets[oldIndex].map { position[$0] }.sorted())
        }
    }

    /// The assets the plan materializes, in step order.
    public var assetKeys: [AssetKey] { steps.flatMap(\.assetKeys) }
}

/// Why a plan could not be made.
public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The selection holds only source assets (or nothing).
    case nothingToMaterialize([AssetKey])
    /// Multi-assets interleave with other steps so that no step order exists.
    case stepCycle([String])

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .nothingToMaterialize(let keys) where keys.isEmpty:
            "the selection matches no assets; run 'list' to see the assets there are"
        case .nothingToMaterialize(let keys):
            "the selection matches only source assets (\(keys.map(\.description).joined(separator: ", "))), "
                + "which Cairn reads but never materializes; select the assets computed from them, e.g. 'key:x+'"
        case .stepCycle(let steps):
            "the steps \(steps.joined(separator: ", ")) depend on each other through a multi-asset; "
                + "select the whole multi-asset and what lies between its outputs"
        }
    }
}
