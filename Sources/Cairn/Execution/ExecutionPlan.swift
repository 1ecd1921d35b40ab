import HeapModule

/// The steps a run executes and the order constraints between them.
///
/// A step is one computation (an `Asset` or a whole `MultiAsset`) or one `AssetCheck`. Source
/// assets are never steps; their values are loaded by the steps that need them. The checks of the
/// selected assets run after them, and the downstream steps of an asset wait for its blocking checks.
public struct ExecutionPlan: Sendable {
    /// What a step runs.
    public enum StepKind: Sendable, Hashable {
        /// A computation: the index of its definition in `AssetGraph.definitions`.
        case assets(definitionIndex: Int)
        /// A check: its index in `AssetGraph.checks`.
        case check(checkIndex: Int)
        /// An observation of a source asset: the index of its definition.
        case observation(definitionIndex: Int)
    }

    /// One step of the plan.
    public struct Step: Sendable {
        /// The step key (`daily_temperature_highs`, `warehouse__orders`, `daily_temperature_highs:sane`).
        public let key: String
        /// What the step runs.
        public let kind: StepKind
        /// The assets the step materializes, or for a check the checked asset.
        public let assetKeys: [AssetKey]
        /// The assets of other steps this step needs: the upstream assets of its assets, or for a
        /// check its asset. When an upstream step fails after materializing some of its assets
        /// (a dbt build where one model failed), this step still runs if it needs none of the others.
        public let inputKeys: Set<AssetKey>
        /// Indices of the steps in this plan that must succeed first.
        public let upstream: [Int]
        /// Indices of the steps in this plan that wait for this one.
        public let downstream: [Int]
    }

    /// Which steps of a selection to plan.
    public enum Scope: Sendable, Hashable {
        /// Materialize the assets and run their checks (`materialize`).
        case assetsAndChecks
        /// Only materialize the assets.
        case assetsOnly
        /// Only run the checks of the selected assets, on their stored values (`check`).
        case checksOnly
        /// Only observe the selected observable source assets (`observe`).
        case observations
    }

    /// The steps, each after all of its upstream steps.
    public let steps: [Step]

    /// Plans the steps for the selected assets of `graph`.
    ///
    /// - Parameters:
    ///   - selected: node indices of `graph`; source assets among them are not materialized, but
    ///     their checks run.
    ///   - stepKeys: when given, only the steps with these keys (re-execution of some steps).
    /// - Throws: `PlanError` when nothing is left to run.
    public init(
        graph: AssetGraph, selected: Set<Int>, scope: Scope = .assetsAndChecks, stepKeys: Set<String>? = nil
    ) throws(PlanError) {
        var kinds: [StepKind] = []
        var stepOfDefinition: [Int: Int] = [:]
        var stepOfCheck: [Int: Int] = [:]
        for index in selected.sorted() {
            let definition = graph.nodes[index].definitionIndex
            if scope == .observations {
                if graph.definitions[definition].isObservable,
                    stepKeys?.contains(graph.definitions[definition].name) ?? true
                {
                    kinds.append(.observation(definitionIndex: definition))
                }
                continue
            }
            if scope != .checksOnly, !graph.nodes[index].isSource, stepOfDefinition[definition] == nil,
                stepKeys?.contains(graph.definitions[definition].name) ?? true
            {
                stepOfDefinition[definition] = kinds.count
                kinds.append(.assets(definitionIndex: definition))
            }
            guard scope != .assetsOnly else { continue }
            for check in graph.checksOfNode[index] where stepKeys?.contains(graph.checks[check].stepName) ?? true {
                stepOfCheck[check] = kinds.count
                kinds.append(.check(checkIndex: check))
            }
        }
        guard !kinds.isEmpty else {
            if scope == .observations { throw PlanError.nothingToObserve }
            throw PlanError.nothingToMaterialize(selected.map { graph.nodes[$0].key }.sorted())
        }

        var upstreamSets = [Set<Int>](repeating: [], count: kinds.count)
        /// The steps that must succeed before a step may use the value of node `index`.
        func producers(ofNode index: Int) -> [Int] {
            let node = graph.nodes[index]
            guard let producer = stepOfDefinition[node.definitionIndex] else { return [] }
            let blocking = graph.checksOfNode[index].filter { graph.checks[$0].spec.blocking }.compactMap {
                stepOfCheck[$0]
            }
            return [producer] + blocking
        }
        for (step, kind) in kinds.enumerated() {
            switch kind {
            case .assets(let definition):
                for index in selected where graph.nodes[index].definitionIndex == definition {
                    for parent in graph.parents[index] {
                        for producer in producers(ofNode: parent) where producer != step {
                            upstreamSets[step].insert(producer)
                        }
                    }
                }
            case .check(let check):
                let node = graph.index(of: graph.checks[check].assetKey)!
                if let producer = stepOfDefinition[graph.nodes[node].definitionIndex] {
                    upstreamSets[step].insert(producer)
                }
            case .observation:
                break
            }
        }

        var downstreamSets = [[Int]](repeating: [], count: kinds.count)
        for (step, upstream) in upstreamSets.enumerated() {
            for parent in upstream { downstreamSets[parent].append(step) }
        }
        // Kahn's algorithm, always taking the lowest ready step: asset steps in topological node
        // order, each blocking check as soon as its asset is done.
        var remaining = upstreamSets.map(\.count)
        var order: [Int] = []
        var ready = Heap(remaining.indices.filter { remaining[$0] == 0 })
        while let next = ready.popMin() {
            order.append(next)
            for child in downstreamSets[next] {
                remaining[child] -= 1
                if remaining[child] == 0 { ready.insert(child) }
            }
        }
        guard order.count == kinds.count else {
            let stuck = remaining.indices.filter { remaining[$0] > 0 }.map { Self.name(of: kinds[$0], in: graph) }
            throw PlanError.stepCycle(stuck.sorted())
        }

        var position = [Int](repeating: 0, count: order.count)
        for (newIndex, oldIndex) in order.enumerated() { position[oldIndex] = newIndex }
        steps = order.map { oldIndex in
            let kind = kinds[oldIndex]
            let assetKeys: [AssetKey]
            var inputKeys = Set<AssetKey>()
            switch kind {
            case .assets(let definition):
                let all = graph.definitions[definition].keys
                assetKeys =
                    graph.definitions[definition].isSubsettable
                    ? all.filter { graph.index(of: $0).map(selected.contains) ?? false } : all
                let own = Set(all)
                for key in assetKeys {
                    for parent in graph.parents[graph.index(of: key)!] where !own.contains(graph.nodes[parent].key) {
                        inputKeys.insert(graph.nodes[parent].key)
                    }
                }
            case .observation(let definition): assetKeys = graph.definitions[definition].keys
            case .check(let check):
                assetKeys = [graph.checks[check].assetKey]
                inputKeys = [graph.checks[check].assetKey]
            }
            return Step(
                key: Self.name(of: kind, in: graph),
                kind: kind,
                assetKeys: assetKeys,
                inputKeys: inputKeys,
                upstream: upstreamSets[oldIndex].map { position[$0] }.sorted(),
                downstream: downstreamSets[oldIndex].map { position[$0] }.sorted())
        }
    }

    /// The resources the plan's steps use, each once, in step order.
    public func resourceKeys(in graph: AssetGraph) -> [AnyResourceKey] {
        var seen = Set<AnyResourceKey>()
        return steps.flatMap { step in
            switch step.kind {
            case .assets(let definition), .observation(let definition): graph.definitions[definition].resourceKeys
            case .check(let check): graph.checks[check].resourceKeys
            }
        }.filter { seen.insert($0).inserted }
    }

    /// The assets the plan materializes, in step order.
    public var assetKeys: [AssetKey] {
        steps.flatMap { step -> [AssetKey] in
            guard case .assets = step.kind else { return [] }
            return step.assetKeys
        }
    }

    private static func name(of kind: StepKind, in graph: AssetGraph) -> String {
        switch kind {
        case .assets(let definition), .observation(let definition): graph.definitions[definition].name
        case .check(let check): graph.checks[check].stepName
        }
    }
}

/// Why a plan could not be made.
public enum PlanError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The selection holds only source assets (or nothing).
    case nothingToMaterialize([AssetKey])
    /// Multi-assets interleave with other steps so that no step order exists.
    case stepCycle([String])
    /// The selection holds no source asset with an `observe` function.
    case nothingToObserve
    /// Every selected asset is fresh.
    case nothingStale

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .nothingToMaterialize(let keys) where keys.isEmpty:
            "the selection matches no assets; run 'list' to see the assets there are"
        case .nothingToMaterialize(let keys):
            "the selection matches only source assets (\(keys.map(\.description).joined(separator: ", "))), "
                + "which Cairn reads but never materializes; select the assets computed from them, e.g. 'key:x+'"
        case .nothingStale:
            "every selected asset is fresh: nothing is stale or missing; 'status' shows why each is fresh"
        case .nothingToObserve:
            "the selection has no observable source assets; give a SourceAsset an 'observe:' function to observe it"
        case .stepCycle(let steps):
            "the steps \(steps.joined(separator: ", ")) depend on each other through a multi-asset; "
                + "select the whole multi-asset and what lies between its outputs"
        }
    }
}
