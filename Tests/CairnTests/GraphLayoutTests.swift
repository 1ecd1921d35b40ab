import Foundation
import Testing

@testable import Cairn

/// The layered layout of the lineage graph: layers respect dependencies, nodes never overlap,
/// crossing reduction helps, output is deterministic.
@Suite struct GraphLayoutTests {
    /// A random DAG of `size` assets in `groups` groups, each depending on up to three earlier ones.
    static func randomGraph(size: Int, seed: UInt64, groups: Int = 4) throws -> AssetGraph {
        var state = seed
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 33
        }
        let assets = (0..<size).map { index -> Asset<Int> in
            let count = index == 0 ? 0 : Int(next() % 4)
            let deps = Set((0..<count).map { _ in "asset_\(Int(next() % UInt64(index)))" })
            return Asset<Int>(
                "asset_\(index)", group: "group_\(index % groups)", deps: deps.sorted().map { AssetKey($0) }
            ) {
                _ in index
            }
        }
        return try Definitions(assets: [assets]).assetGraph
    }

    /// The crossings of the drawn edges: two segments between the same columns cross when their
    /// order at one column differs from their order at the next.
    static func drawnCrossings(_ layout: GraphLayout) -> Int {
        var segments: [Int: [(Double, Double)]] = [:]
        let layers = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.key, $0.layer) })
        for edge in layout.edges {
            var column = layers[edge.from]!
            var index = 0
            while index + 1 < edge.points.count {
                segments[column, default: []].append((edge.points[index].y, edge.points[index + 1].y))
                column += 1
                index += 2
            }
        }
        var count = 0
        for list in segments.values {
            for a in list.indices {
                for b in list.indices where b > a {
                    if (list[a].0 - list[b].0) * (list[a].1 - list[b].1) < 0 { count += 1 }
                }
            }
        }
        return count
    }

    @Test(arguments: [1, 2, 3]) func nodesNeverOverlapAndLayersFollowDependencies(seed: UInt64) throws {
        let graph = try Self.randomGraph(size: 300, seed: seed)
        let layout = GraphLayout(graph: graph, including: Set(graph.nodes.indices))
        #expect(layout.nodes.count == 300)
        let byKey = Dictionary(uniqueKeysWithValues: layout.nodes.map { ($0.key, $0) })
        for (index, node) in graph.nodes.enumerated() {
            for parent in graph.parents[index] {
                #expect(byKey[graph.nodes[parent].key]!.layer < byKey[node.key]!.layer)
            }
        }
        let sorted = layout.nodes.sorted { ($0.x, $0.y) < ($1.x, $1.y) }
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.x == b.x {
            #expect(a.y + a.height <= b.y, "\(a.key) and \(b.key) overlap")
        }
        for a in layout.nodes {
            for b in layout.nodes where a.key != b.key && a.layer != b.layer {
                #expect(a.x + a.width <= b.x || b.x + b.width <= a.x)
            }
            #expect(a.x >= 0 && a.y >= 0 && a.x + a.width <= layout.width && a.y + a.height <= layout.height)
        }
        for edge in layout.edges {
            let from = byKey[edge.from]!
            let to = byKey[edge.to]!
            #expect(edge.points.first == GraphLayout.Point(x: from.x + from.width, y: from.y + from.height / 2))
            #expect(edge.points.last == GraphLayout.Point(x: to.x, y: to.y + to.height / 2))
            #expect(zip(edge.points, edge.points.dropFirst()).allSatisfy { $0.x <= $1.x })
        }
        #expect(layout.edges.count == graph.parents.reduce(0) { $0 + $1.count })
    }

    @Test(arguments: [4, 5, 6]) func crossingReductionNeverMakesItWorse(seed: UInt64) throws {
        let graph = try Self.randomGraph(size: 200, seed: seed)
        var builder = LayeredLayoutBuilder(graph: graph, included: Set(graph.nodes.indices))
        builder.assignLayers()
        builder.insertVirtualNodes()
        let before = builder.crossings(builder.positions())
        builder.reduceCrossings()
        let after = builder.crossings(builder.positions())
        #expect(after <= before)
        #expect(after < before, "on a random graph of 200 assets, sweeps find a better order")
    }

    @Test func aTreeIsDrawnWithoutCrossings() throws {
        let assets = (0..<63).map { index in
            Asset<Int>("node_\(index)", deps: index == 0 ? [] : ["node_\((index - 1) / 2)"]) { _ in index }
        }
        let graph = try Definitions(assets: [assets]).assetGraph
        let layout = GraphLayout(graph: graph, including: Set(graph.nodes.indices))
        #expect(Self.drawnCrossings(layout) == 0)
        #expect(Set(layout.nodes.map(\.layer)) == Set(0...5))
    }

    @Test func theLayoutIsDeterministic() throws {
        let graph = try Self.randomGraph(size: 150, seed: 9)
        let first = GraphLayout(graph: graph, including: Set(graph.nodes.indices))
        let second = GraphLayout(graph: graph, including: Set(graph.nodes.indices))
        #expect(first.nodes == second.nodes && first.edges == second.edges && first.groups == second.groups)
    }

    @Test func groupBoxesSurroundTheirNodes() throws {
        let graph = try Self.randomGraph(size: 60, seed: 11, groups: 3)
        let layout = GraphLayout(graph: graph, including: Set(graph.nodes.indices))
        #expect(layout.groups.map(\.name) == ["group_0", "group_1", "group_2"])
        for node in layout.nodes {
            let box = layout.groups.first { $0.name == node.group }!
            #expect(box.x <= node.x && box.y <= node.y)
            #expect(node.x + node.width <= box.x + box.width && node.y + node.height <= box.y + box.height)
        }
    }

    @Test func aSubgraphHasOnlyTheEdgesBetweenItsNodes() throws {
        let graph = try Self.randomGraph(size: 100, seed: 3)
        let selected = try AssetSelection.parse("+key:asset_99").resolve(in: graph)
        let layout = GraphLayout(graph: graph, including: selected)
        #expect(Set(layout.nodes.map(\.key)) == Set(selected.map { graph.nodes[$0].key }))
        #expect(layout.edges.allSatisfy { edge in layout.nodes.contains { $0.key == edge.from } })
    }

    @Test func largeSelectionsAreCutToANeighbourhood() throws {
        let graph = try Self.randomGraph(size: 2000, seed: 7)
        let all = Set(graph.nodes.indices)
        let small = try AssetSelection.parse("+key:asset_10").resolve(in: graph)
        #expect(graph.drawableSubgraph(of: small, focus: nil, limit: 300) == (small, false))
        let focus = graph.index(of: "asset_1000")!
        let (nodes, truncated) = graph.drawableSubgraph(of: all, focus: focus, limit: 300)
        #expect(truncated)
        #expect(nodes.count <= 300 && nodes.contains(focus))
        #expect(graph.parents[focus].allSatisfy(nodes.contains))
    }
}
