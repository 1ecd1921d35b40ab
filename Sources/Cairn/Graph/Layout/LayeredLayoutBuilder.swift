/// The steps of `GraphLayout`'s layered layout, over a graph of the included assets plus a
/// virtual node in each column an edge crosses.
struct LayeredLayoutBuilder {
    private let graph: AssetGraph
    /// The graph indices of the included assets, upstream first.
    private let included: [Int]

    /// Per layout node (the included assets first, then virtual nodes): its graph index, or -1.
    private var graphIndex: [Int] = []
    private var layer: [Int] = []
    private var height: [Double] = []
    /// The neighbours of each layout node in the column before and after it.
    private var upper: [[Int]] = []
    private var lower: [[Int]] = []
    /// Each included edge as the chain of layout nodes from the upstream to the downstream asset.
    private var chains: [[Int]] = []
    /// The layout nodes of each column, in order.
    private var columns: [[Int]] = []
    /// The top of each layout node.
    private var top: [Double] = []

    /// The height of a virtual node: edges through one column keep this much apart.
    private static let virtualHeight = 6.0
    /// The least space between two virtual nodes, or a virtual and a real one.
    private static let virtualGap = 8.0
    /// The most crossing-reduction sweeps: enough for a good order, bounded for 10,000 assets.
    private static let maxSweeps = 8

    init(graph: AssetGraph, included: Set<Int>) {
        self.graph = graph
        self.included = included.sorted()
    }

    /// Layering by longest path: roots in column 0, each asset one column after its deepest parent.
    mutating func assignLayers() {
        var position: [Int: Int] = [:]
        for (offset, index) in included.enumerated() { position[index] = offset }
        graphIndex = included
        layer = [Int](repeating: 0, count: included.count)
        height = [Double](repeating: GraphLayout.nodeHeight, count: included.count)
        // Graph indices are topological, so every parent is laid out before its children.
        for (offset, index) in included.enumerated() {
            for parent in graph.parents[index] {
                guard let parentOffset = position[parent] else { continue }
                layer[offset] = max(layer[offset], layer[parentOffset] + 1)
                chains.append([parentOffset, offset])
            }
        }
    }

    /// Replaces each edge spanning several columns by a chain through a virtual node per column.
    mutating func insertVirtualNodes() {
        upper = [[Int]](repeating: [], count: graphIndex.count)
        lower = upper
        for chainIndex in chains.indices {
            let from = chains[chainIndex][0]
            let to = chains[chainIndex][1]
            var chain = [from]
            for column in (layer[from] + 1)..<layer[to] {
                graphIndex.append(-1)
                layer.append(column)
                height.append(Self.virtualHeight)
                upper.append([])
                lower.append([])
                chain.append(graphIndex.count - 1)
            }
            chain.append(to)
            for (a, b) in zip(chain, chain.dropFirst()) {
                lower[a].append(b)
                upper[b].append(a)
            }
            chains[chainIndex] = chain
        }
        columns = [[Int]](repeating: [], count: (layer.max() ?? -1) + 1)
        // Initial order: by group, then upstream first; virtual nodes in the order of their edges.
        let order = graphIndex.indices.sorted { a, b in
            let groupA = graphIndex[a] >= 0 ? graph.nodes[graphIndex[a]].spec.group : ""
            let groupB = graphIndex[b] >= 0 ? graph.nodes[graphIndex[b]].spec.group : ""
            return (groupA, a) < (groupB, b)
        }
        for node in order { columns[layer[node]].append(node) }
    }

    /// Barycenter sweeps, right then left, keeping the order with the fewest crossings.
    mutating func reduceCrossings() {
        guard columns.count > 1 else { return }
        var position = positions()
        var best = columns
        var bestCrossings = crossings(position)
        for sweep in 0..<Self.maxSweeps where bestCrossings > 0 {
            let rightward = sweep % 2 == 0
            let order = rightward ? Array(1..<columns.count) : Array((0..<(columns.count - 1)).reversed())
            for column in order {
                let keys = columns[column].map { node -> Double in
                    let neighbours = rightward ? upper[node] : lower[node]
                    guard !neighbours.isEmpty else { return Double(position[node]) }
                    return Double(neighbours.reduce(0) { $0 + position[$1] }) / Double(neighbours.count)
                }
                let sorted = columns[column].indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map {
                    columns[column][$0]
                }
                columns[column] = sorted
                for (offset, node) in sorted.enumerated() { position[node] = offset }
            }
            let count = crossings(position)
            if count < bestCrossings {
                bestCrossings = count
                best = columns
            }
        }
        columns = best
    }

    /// The number of edge crossings between adjacent columns, counted as inversions with a
    /// Fenwick tree: O(E log V).
    func crossings(_ position: [Int]) -> Int {
        var total = 0
        for column in columns.indices.dropLast() {
            var pairs: [(Int, Int)] = []
            for node in columns[column] {
                for child in lower[node] { pairs.append((position[node], position[child])) }
            }
            pairs.sort { $0 < $1 }
            let size = columns[column + 1].count
            var tree = [Int](repeating: 0, count: size + 1)
            var seen = 0
            for (_, target) in pairs {
                // Edges seen so far that end below this one cross it.
                var index = target + 1
                var notAbove = 0
                while index > 0 {
                    notAbove += tree[index]
                    index -= index & -index
                }
                total += seen - notAbove
                index = target + 1
                while index <= size {
                    tree[index] += 1
                    index += index & -index
                }
                seen += 1
            }
        }
        return total
    }

    /// Each layout node's index in its column.
    func positions() -> [Int] {
        var position = [Int](repeating: 0, count: graphIndex.count)
        for column in columns {
            for (offset, node) in column.enumerated() { position[node] = offset }
        }
        return position
    }

    /// Vertical positions: nodes are stacked in order, then moved toward the centre of their
    /// neighbours, sweep by sweep, with overlapping runs placed together at their mean.
    mutating func assignCoordinates() {
        top = [Double](repeating: 0, count: graphIndex.count)
        for column in columns {
            var y = 0.0
            for node in column {
                top[node] = y
                y += height[node] + gap(after: node)
            }
        }
        let tallest = columns.map { column in column.reduce(0) { $0 + height[$1] + gap(after: $1) } }.max() ?? 0
        for column in columns.indices {
            let used = columns[column].reduce(0) { $0 + height[$1] + gap(after: $1) }
            for node in columns[column] { top[node] += (tallest - used) / 2 }
        }
        for sweep in 0..<6 {
            let rightward = sweep % 2 == 0
            let order = rightward ? Array(columns.indices.dropFirst()) : Array(columns.indices.dropLast().reversed())
            for column in order { align(column, toward: rightward ? upper : lower) }
        }
        let minimum = top.min() ?? 0
        for node in top.indices { top[node] += GraphLayout.margin + 20 - minimum }
    }

    private func gap(after node: Int) -> Double {
        graphIndex[node] >= 0 ? GraphLayout.rowGap : Self.virtualGap
    }

    /// Moves the nodes of a column toward their neighbours' centres without overlaps: the
    /// positions closest to the wanted ones, in the column's order (pool adjacent violators).
    private mutating func align(_ column: Int, toward neighbours: [[Int]]) {
        let nodes = columns[column]
        guard !nodes.isEmpty else { return }
        var offsets: [Double] = []
        var offset = 0.0
        for node in nodes {
            offsets.append(offset)
            offset += height[node] + gap(after: node)
        }
        let wanted = nodes.map { node -> Double in
            let around = neighbours[node]
            guard !around.isEmpty else { return top[node] }
            let centre = around.reduce(0) { $0 + top[$1] + height[$1] / 2 } / Double(around.count)
            return centre - height[node] / 2
        }
        // Blocks of consecutive nodes placed together: first member, count, sum of (wanted - offset).
        var blocks: [(first: Int, count: Int, sum: Double)] = []
        for index in nodes.indices {
            blocks.append((index, 1, wanted[index] - offsets[index]))
            while blocks.count > 1 {
                let last = blocks[blocks.count - 1]
                let previous = blocks[blocks.count - 2]
                // The base (top minus offset) of each block; a block below may not start above the one before.
                guard last.sum / Double(last.count) < previous.sum / Double(previous.count) else { break }
                blocks.removeLast(2)
                blocks.append((previous.first, previous.count + last.count, previous.sum + last.sum))
            }
        }
        for block in blocks {
            let base = block.sum / Double(block.count)
            for index in block.first..<(block.first + block.count) { top[nodes[index]] = base + offsets[index] }
        }
    }

    /// The nodes, edges, group boxes and size of the drawing.
    func result() -> (
        nodes: [GraphLayout.Node], edges: [GraphLayout.Edge], groups: [GraphLayout.GroupBox], width: Double,
        height: Double
    ) {
        var columnX: [Double] = []
        var columnWidth: [Double] = []
        var x = GraphLayout.margin + 8
        for column in columns {
            let width =
                column.filter { graphIndex[$0] >= 0 }.map { node in
                    GraphLayout.nodeWidth(for: graph.nodes[graphIndex[node]].key.description)
                }.max() ?? 40
            columnX.append(x)
            columnWidth.append(width)
            x += width + GraphLayout.columnGap
        }
        var nodes: [GraphLayout.Node] = []
        var nodeWidth = [Double](repeating: 0, count: graphIndex.count)
        for node in included.indices {
            let spec = graph.nodes[graphIndex[node]].spec
            let width = GraphLayout.nodeWidth(for: spec.key.description)
            nodeWidth[node] = width
            nodes.append(
                GraphLayout.Node(
                    key: spec.key, group: spec.group, x: columnX[layer[node]], y: top[node], width: width,
                    height: GraphLayout.nodeHeight, layer: layer[node]))
        }
        let edges = chains.map { chain -> GraphLayout.Edge in
            let from = chain[0]
            let to = chain[chain.count - 1]
            var points = [GraphLayout.Point(x: columnX[layer[from]] + nodeWidth[from], y: top[from] + height[from] / 2)]
            for node in chain.dropFirst().dropLast() {
                let y = top[node] + height[node] / 2
                points.append(GraphLayout.Point(x: columnX[layer[node]], y: y))
                points.append(GraphLayout.Point(x: columnX[layer[node]] + columnWidth[layer[node]], y: y))
            }
            points.append(GraphLayout.Point(x: columnX[layer[to]], y: top[to] + height[to] / 2))
            return GraphLayout.Edge(
                from: graph.nodes[graphIndex[from]].key, to: graph.nodes[graphIndex[to]].key, points: points)
        }
        var boxes: [String: (minX: Double, minY: Double, maxX: Double, maxY: Double)] = [:]
        for node in nodes {
            let box = boxes[node.group] ?? (node.x, node.y, node.x + node.width, node.y + node.height)
            boxes[node.group] = (
                min(box.minX, node.x), min(box.minY, node.y), max(box.maxX, node.x + node.width),
                max(box.maxY, node.y + node.height)
            )
        }
        let padding = 12.0
        let groups = boxes.keys.sorted().map { name in
            let box = boxes[name]!
            return GraphLayout.GroupBox(
                name: name, x: box.minX - padding, y: box.minY - padding - 18, width: box.maxX - box.minX + 2 * padding,
                height: box.maxY - box.minY + 2 * padding + 18)
        }
        let width = x - GraphLayout.columnGap + GraphLayout.margin + 8
        let bottom = (top.indices.map { top[$0] + height[$0] }.max() ?? 0) + GraphLayout.margin + 12
        return (nodes, edges, groups, max(width, 200), max(bottom, 120))
    }
}
