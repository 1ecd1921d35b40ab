import DequeModule

/// The validated dependency graph of a code location's assets.
///
/// Nodes are stored in a topological order (every asset after all of its upstream assets, ties
/// kept in definition order), and edges as index lists, so traversals over 10,000 assets take
/// microseconds.
public struct AssetGraph: Sendable {
    /// The definitions, in the order given.
    public let definitions: [AssetsDefinition]
    /// The assets, upstream before downstream.
    public let nodes: [AssetNode]
    /// For each node, the indices of the assets it depends on.
    public let parents: [[Int]]
    /// For each node, the indices of the assets that depend on it.
    public let children: [[Int]]
    /// The checks that run as steps of their own.
    public let checks: [AssetCheck]
    /// For each node, the indices in `checks` of the checks on it.
    public let checksOfNode: [[Int]]

    private let indexByKey: [AssetKey: Int]

    /// Builds and validates the graph.
    ///
    /// - Throws: `DefinitionsError` with every invalid name, duplicate key, unknown dependency
    ///   and cycle found.
    public init(_ definitions: [AssetsDefinition], checks: [AssetCheck] = []) throws(DefinitionsError) {
        let definitions = Self.resolvingStandIns(definitions)
        var problems: [DefinitionsError.Problem] = []
        var specs: [(spec: AssetSpec, definition: Int)] = []
        var firstIndex: [AssetKey: Int] = [:]
        var stepNames: [String: SourceLocation] = [:]

        for (definitionIndex, definition) in definitions.enumerated() {
            let location = definition.location
            if let problem = Name.problem(with: definition.name) {
                problems.append(.init(location: location, message: "the name '\(definition.name)' \(problem)"))
            }
            if definition.specs.isEmpty {
                problems.append(
                    .init(
                        location: location,
                        message: "'\(definition.name)' produces no assets; give it at least one output"
                    ))
            }
            var duplicatesKey = false
            for spec in definition.specs {
                if let problem = spec.key.validationProblem {
                    problems.append(.init(location: location, message: problem))
                    continue
                }
                if let problem = Name.problem(with: spec.group) {
                    problems.append(
                        .init(location: location, message: "asset '\(spec.key)': group name '\(spec.group)' \(problem)")
                    )
                }
                if let existing = firstIndex[spec.key] {
                    let other = definitions[specs[existing].definition].location
                    problems.append(
                        .init(
                            location: location,
                            message: "asset '\(spec.key)' is defined twice (first at \(other)); "
                                + "rename one of them or give it a key prefix such as 'raw/\(spec.key)'"))
                    duplicatesKey = true
                    continue
                }
                firstIndex[spec.key] = specs.count
                specs.append((spec, definitionIndex))
            }
            if let previous = stepNames[definition.name] {
                if !duplicatesKey {
                    problems.append(
                        .init(
                            location: location,
                            message: "the computation name '\(definition.name)' is already used at \(previous); "
                                + "give each asset and multi-asset a unique name"))
                }
            } else {
                stepNames[definition.name] = location
            }
        }

        var parentLists = [[Int]](repeating: [], count: specs.count)
        for (index, entry) in specs.enumerated() {
            var seen = Set<Int>()
            for dependency in entry.spec.dependencies {
                guard let parent = firstIndex[dependency.key] else {
                    let hint = NearestName.hint(
                        for: dependency.key.description, among: firstIndex.keys.lazy.map(\.description))
                    problems.append(
                        .init(
                            location: definitions[entry.definition].location,
                            message:
                                "asset '\(entry.spec.key)' depends on '\(dependency.key)', which is not defined\(hint) "
                                + "(add it to Definitions(assets:), or declare it as a SourceAsset)"))
                    continue
                }
                if seen.insert(parent).inserted { parentLists[index].append(parent) }
            }
        }

        problems += Self.partitionProblems(specs: specs, firstIndex: firstIndex, definitions: definitions)

        var checkNames: [AssetKey: Set<String>] = [:]
        for entry in specs {
            for check in entry.spec.checks {
                Self.validateCheck(
                    check.name, on: entry.spec.key, location: definitions[entry.definition].location,
                    names: &checkNames, problems: &problems)
            }
        }
        for check in checks {
            guard firstIndex[check.assetKey] != nil else {
                let hint = NearestName.hint(
                    for: check.assetKey.description, among: firstIndex.keys.lazy.map(\.description))
                problems.append(
                    .init(
                        location: check.location,
                        message: "check '\(check.spec.name)' is on '\(check.assetKey)', which is not defined\(hint)"))
                continue
            }
            Self.validateCheck(
                check.spec.name, on: check.assetKey, location: check.location, names: &checkNames, problems: &problems)
        }

        guard problems.isEmpty else { throw DefinitionsError(problems: problems) }

        let order: [Int]
        switch Self.topologicalOrder(parents: parentLists) {
        case .success(let sorted): order = sorted
        case .failure(let found):
            let cycle = found.nodes
            let path = cycle.map { specs[$0].spec.key.description }.joined(separator: " → ")
            throw DefinitionsError(problems: [
                .init(
                    location: definitions[specs[cycle[0]].definition].location,
                    message: "the assets form a cycle: \(path); remove one of these dependencies")
            ])
        }

        var position = [Int](repeating: 0, count: specs.count)
        for (newIndex, oldIndex) in order.enumerated() { position[oldIndex] = newIndex }
        var nodes: [AssetNode] = []
        nodes.reserveCapacity(specs.count)
        var parents = [[Int]](repeating: [], count: specs.count)
        var children = [[Int]](repeating: [], count: specs.count)
        var indexByKey: [AssetKey: Int] = [:]
        indexByKey.reserveCapacity(specs.count)
        for oldIndex in order {
            let entry = specs[oldIndex]
            let newIndex = nodes.count
            nodes.append(
                AssetNode(
                    spec: entry.spec, definitionIndex: entry.definition,
                    isSource: definitions[entry.definition].isSource))
            indexByKey[entry.spec.key] = newIndex
            for parent in parentLists[oldIndex] {
                parents[newIndex].append(position[parent])
                children[position[parent]].append(newIndex)
            }
        }
        var checksOfNode = [[Int]](repeating: [], count: nodes.count)
        for (checkIndex, check) in checks.enumerated() {
            checksOfNode[indexByKey[check.assetKey]!].append(checkIndex)
        }
        self.definitions = definitions
        self.nodes = nodes
        self.parents = parents
        self.children = children
        self.checks = checks
        self.checksOfNode = checksOfNode
        self.indexByKey = indexByKey
    }

    /// The definitions without the stand-in source assets whose keys another definition
    /// produces, and with one stand-in for each key that only stand-ins define.
    private static func resolvingStandIns(_ definitions: [AssetsDefinition]) -> [AssetsDefinition] {
        guard definitions.contains(where: \.isStandIn) else { return definitions }
        var defined = Set(definitions.filter { !$0.isStandIn }.flatMap(\.keys))
        return definitions.filter { definition in
            guard definition.isStandIn else { return true }
            return definition.keys.allSatisfy { defined.insert($0).inserted }
        }
    }

    /// Reports an invalid or duplicate check name.
    private static func validateCheck(
        _ name: String, on key: AssetKey, location: SourceLocation, names: inout [AssetKey: Set<String>],
        problems: inout [DefinitionsError.Problem]
    ) {
        if let problem = Name.problem(with: name) {
            problems.append(.init(location: location, message: "check name '\(name)' on '\(key)' \(problem)"))
        } else if !names[key, default: []].insert(name).inserted {
            problems.append(
                .init(location: location, message: "asset '\(key)' has two checks named '\(name)'; rename one of them"))
        }
    }

    /// The index of the asset with this key.
    public func index(of key: AssetKey) -> Int? { indexByKey[key] }

    /// The asset with this key.
    public subscript(key: AssetKey) -> AssetNode? { indexByKey[key].map { nodes[$0] } }

    /// All asset keys, upstream before downstream.
    public var keys: [AssetKey] { nodes.map(\.key) }

    /// The definition that produces the asset at a node index.
    public func definition(ofNode index: Int) -> AssetsDefinition {
        definitions[nodes[index].definitionIndex]
    }

    /// The given nodes and those upstream of them, at most `depth` layers away (all when `nil`).
    public func upstream(of start: some Sequence<Int>, depth: Int? = nil) -> Set<Int> {
        traverse(from: start, depth: depth, edges: parents)
    }

    /// The given nodes and those downstream of them, at most `depth` layers away (all when `nil`).
    public func downstream(of start: some Sequence<Int>, depth: Int? = nil) -> Set<Int> {
        traverse(from: start, depth: depth, edges: children)
    }

    private func traverse(from start: some Sequence<Int>, depth: Int?, edges: [[Int]]) -> Set<Int> {
        var visited = [Bool](repeating: false, count: nodes.count)
        var result = Set<Int>()
        var frontier: [Int] = []
        for index in start where !visited[index] {
            visited[index] = true
            frontier.append(index)
            result.insert(index)
        }
        var layer = 0
        while !frontier.isEmpty, depth.map({ layer < $0 }) ?? true {
            var next: [Int] = []
            for index in frontier {
                for neighbour in edges[index] where !visited[neighbour] {
                    visited[neighbour] = true
                    next.append(neighbour)
                    result.insert(neighbour)
                }
            }
            frontier = next
            layer += 1
        }
        return result
    }

    /// Kahn's algorithm, stable in index order; on a cycle, returns the nodes of one cycle.
    private static func topologicalOrder(parents: [[Int]]) -> Result<[Int], CycleFound> {
        let count = parents.count
        var remaining = parents.map(\.count)
        var children = [[Int]](repeating: [], count: count)
        for (child, list) in parents.enumerated() {
            for parent in list { children[parent].append(child) }
        }
        var ready = Deque(remaining.indices.filter { remaining[$0] == 0 })
        var order: [Int] = []
        order.reserveCapacity(count)
        while let next = ready.popFirst() {
            order.append(next)
            for child in children[next] {
                remaining[child] -= 1
                if remaining[child] == 0 { ready.append(child) }
            }
        }
        if order.count == count { return .success(order) }
        return .failure(CycleFound(nodes: findCycle(parents: parents, among: remaining)))
    }

    /// Walks parent edges among unsorted nodes until one repeats; every such node lies on or
    /// leads to a cycle, so the walk must close one.
    private static func findCycle(parents: [[Int]], among remaining: [Int]) -> [Int] {
        var current = remaining.firstIndex { $0 > 0 }!
        var seenAt: [Int: Int] = [:]
        var path: [Int] = []
        while seenAt[current] == nil {
            seenAt[current] = path.count
            path.append(current)
            current = parents[current].first { remaining[$0] > 0 }!
        }
        let cycle = Array(path[seenAt[current]!...]).reversed()
        return Array(cycle) + [cycle.first!]
    }

    private struct CycleFound: Error {
        let nodes: [Int]
    }
}
