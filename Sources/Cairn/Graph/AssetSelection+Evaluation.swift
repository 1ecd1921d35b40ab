extension AssetSelection {
    /// The indices in `graph.nodes` of the selected assets.
    ///
    /// - Throws: `SelectionError` when a key without `*` names no asset of the graph; a wildcard,
    ///   group, tag, owner or kind that matches nothing selects nothing.
    public func resolve(in graph: AssetGraph) throws(SelectionError) -> Set<Int> {
        let members = try evaluate(in: graph, root: self)
        var indices = Set<Int>(minimumCapacity: members.memberCount)
        members.forEachMember { indices.insert($0) }
        return indices
    }

    /// The keys of the selected assets, upstream before downstream (the graph's node order).
    ///
    /// - Throws: `SelectionError` when a key without `*` names no asset of the graph.
    public func keys(in graph: AssetGraph) throws(SelectionError) -> [AssetKey] {
        let members = try evaluate(in: graph, root: self)
        var keys: [AssetKey] = []
        keys.reserveCapacity(members.memberCount)
        members.forEachMember { keys.append(graph.nodes[$0].key) }
        return keys
    }

    /// The selected nodes; `root` is the whole selection, quoted in errors.
    private func evaluate(in graph: AssetGraph, root: AssetSelection) throws(SelectionError) -> NodeSet {
        let count = graph.nodes.count
        switch self {
        case .all:
            return NodeSet(count: count, filled: true)
        case .key(let pattern) where pattern.contains("*"):
            let glob = Glob(pattern)
            return NodeSet(count: count) { glob.matches(graph.nodes[$0].key.description) }
        case .key(let written):
            guard let index = graph.index(of: AssetKey(written)) else {
                let hint = Self.suggestion(for: written, in: graph).map { "; did you mean '\($0)'?" } ?? ""
                throw SelectionError(
                    text: root.description, column: nil,
                    message: "unknown asset '\(written)' in selection '\(root)'\(hint)")
            }
            var members = NodeSet(count: count)
            members.insert(index)
            return members
        case .tag(let name, let value):
            return NodeSet(count: count) { index in
                // As Dagster: `tag:team` is the tag with the empty value, not the tag with any value.
                graph.nodes[index].spec.tags[name] == (value ?? "")
            }
        case .owner(let owner):
            return NodeSet(count: count) { graph.nodes[$0].spec.owners.contains(owner) }
        case .group(let pattern) where pattern.contains("*"):
            let glob = Glob(pattern)
            return NodeSet(count: count) { glob.matches(graph.nodes[$0].spec.group) }
        case .group(let group):
            return NodeSet(count: count) { graph.nodes[$0].spec.group == group }
        case .kind(let kind):
            return NodeSet(count: count) { graph.nodes[$0].spec.kinds.contains(kind) }
        case .roots(let selection):
            let members = try selection.evaluate(in: graph, root: root)
            return members.filter { index in !graph.parents[index].contains { members.contains($0) } }
        case .sinks(let selection):
            let members = try selection.evaluate(in: graph, root: root)
            return members.filter { index in !graph.children[index].contains { members.contains($0) } }
        case .traversal(let selection, let upstream, let downstream):
            let start = try selection.evaluate(in: graph, root: root)
            var result = start
            if let upstream { result.formUnion(start.expanded(along: graph.parents, depth: upstream)) }
            if let downstream { result.formUnion(start.expanded(along: graph.children, depth: downstream)) }
            return result
        case .not(let selection):
            var members = try selection.evaluate(in: graph, root: root)
            members.invert()
            return members
        case .and:
            var members = NodeSet(count: count, filled: true)
            for operand in operands(joinedBy: .and) {
                members.formIntersection(try operand.evaluate(in: graph, root: root))
            }
            return members
        case .or:
            var members = NodeSet(count: count)
            for operand in operands(joinedBy: .or) { members.formUnion(try operand.evaluate(in: graph, root: root)) }
            return members
        }
    }

    /// The key most likely meant by an unknown one: the nearest by edit distance, else the
    /// shortest key containing all its words in order (`daily_highs` → `daily_temperature_highs`,
    /// `orders` → `raw_orders`).
    private static func suggestion(for written: String, in graph: AssetGraph) -> String? {
        let keys = graph.nodes.lazy.map(\.key.description)
        if let nearest = NearestName.suggestion(for: written, among: keys) { return nearest }
        let wanted = words(of: written)
        guard !wanted.isEmpty else { return nil }
        return keys.filter { key in
            var remaining = wanted[...]
            for word in words(of: key) where word == remaining.first { remaining.removeFirst() }
            return remaining.isEmpty
        }.min { $0.count < $1.count }
    }

    private static func words(of key: String) -> [Substring] {
        key.lowercased().split { $0 == "_" || $0 == "-" || $0 == "/" }
    }
}

/// A set of node indices as a bitset, so unions, intersections and complements over 10,000
/// assets take a few hundred word operations.
private struct NodeSet {
    private var words: [UInt64]
    private let count: Int

    /// An empty set over `count` nodes, or a full one when `filled`.
    init(count: Int, filled: Bool = false) {
        self.count = count
        words = [UInt64](repeating: filled ? .max : 0, count: (count + 63) / 64)
        if filled { clearUnusedBits() }
    }

    /// The nodes for which `isMember` holds.
    init(count: Int, where isMember: (Int) -> Bool) {
        self.init(count: count)
        for index in 0..<count where isMember(index) { insert(index) }
    }

    func contains(_ index: Int) -> Bool {
        words[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Inserts a node; whether it was not already in the set.
    @discardableResult
    mutating func insert(_ index: Int) -> Bool {
        let bit: UInt64 = 1 << UInt64(index & 63)
        let inserted = words[index >> 6] & bit == 0
        words[index >> 6] |= bit
        return inserted
    }

    mutating func formUnion(_ other: NodeSet) {
        for word in words.indices { words[word] |= other.words[word] }
    }

    mutating func formIntersection(_ other: NodeSet) {
        for word in words.indices { words[word] &= other.words[word] }
    }

    mutating func invert() {
        for word in words.indices { words[word] = ~words[word] }
        clearUnusedBits()
    }

    /// The number of nodes in the set.
    var memberCount: Int { words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Calls `body` with each node, in ascending index order.
    func forEachMember(_ body: (Int) -> Void) {
        for (wordIndex, word) in words.enumerated() {
            var remaining = word
            while remaining != 0 {
                body((wordIndex << 6) + remaining.trailingZeroBitCount)
                remaining &= remaining - 1
            }
        }
    }

    /// The members for which `isIncluded` holds.
    func filter(_ isIncluded: (Int) -> Bool) -> NodeSet {
        var result = NodeSet(count: count)
        forEachMember { if isIncluded($0) { result.insert($0) } }
        return result
    }

    /// The set and the nodes reachable from it along `edges`, at most `depth` steps away, found
    /// breadth-first so each node's distance is its shortest one.
    func expanded(along edges: [[Int]], depth: AssetSelection.Depth) -> NodeSet {
        let limit: Int
        switch depth {
        case .unlimited: limit = .max
        case .layers(let layers): limit = layers
        }
        var result = self
        var frontier: [Int] = []
        forEachMember { frontier.append($0) }
        var next: [Int] = []
        var layer = 0
        while layer < limit, !frontier.isEmpty {
            for index in frontier {
                for neighbour in edges[index] where result.insert(neighbour) { next.append(neighbour) }
            }
            swap(&frontier, &next)
            next.removeAll(keepingCapacity: true)
            layer += 1
        }
        return result
    }

    private mutating func clearUnusedBits() {
        let used = count & 63
        if used != 0 { words[words.count - 1] &= (1 << UInt64(used)) - 1 }
    }
}

/// A pattern where `*` matches any run of characters, matched against a whole string.
private struct Glob {
    private let pattern: [UInt8]

    init(_ pattern: String) {
        self.pattern = Array(pattern.utf8)
    }

    func matches(_ string: String) -> Bool {
        var string = string
        return string.withUTF8(matches)
    }

    /// Greedy matching that backtracks only to the last `*`, in linear time for one `*`.
    private func matches(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let star = UInt8(ascii: "*")
        var p = 0
        var t = 0
        var lastStar: Int?
        var textAtLastStar = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == star {
                lastStar = p
                textAtLastStar = t
                p += 1
            } else if p < pattern.count, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let star = lastStar {
                p = star + 1
                textAtLastStar += 1
                t = textAtLastStar
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}
