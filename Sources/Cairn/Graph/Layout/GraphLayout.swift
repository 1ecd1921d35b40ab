/// A layered drawing of a part of an asset graph, computed by Cairn on the server, left to right
/// as Dagster draws lineage: every asset in the column after all of its upstream assets, few edge
/// crossings, no overlapping nodes, edges routed between the columns.
///
/// The layout follows Sugiyama's method:
/// 1. layering: each asset's column is the length of the longest path to it from a root;
/// 2. an edge spanning several columns passes through a virtual node in each column between;
/// 3. crossing reduction: nodes of each column are ordered by the barycenter of their
///    neighbours, sweeping right and left a few times, keeping the order with fewest crossings;
/// 4. coordinates: each node moves toward its neighbours' centre, columns are kept free of
///    overlaps by packing nodes in order with a gap.
///
/// ```swift
/// let layout = GraphLayout(graph: graph, including: try AssetSelection.parse("+key:hottest_dates").resolve(in: graph))
/// for node in layout.nodes { print(node.key, node.x, node.y) }
/// ```
public struct GraphLayout: Sendable {
    /// A point of the drawing.
    public struct Point: Sendable, Hashable {
        /// The horizontal coordinate, growing to the right.
        public var x: Double
        /// The vertical coordinate, growing downward.
        public var y: Double

        /// Creates a point.
        public init(x: Double, y: Double) {
            self.x = x
            self.y = y
        }
    }

    /// An asset's box.
    public struct Node: Sendable, Hashable {
        /// The asset.
        public let key: AssetKey
        /// The asset's group.
        public let group: String
        /// The left edge.
        public let x: Double
        /// The top edge.
        public let y: Double
        /// The width, from the length of the asset's name.
        public let width: Double
        /// The height.
        public let height: Double
        /// The column, counted from 0 at the left.
        public let layer: Int
    }

    /// A dependency, drawn from the right side of the upstream asset to the left side of the
    /// downstream one through `points`.
    public struct Edge: Sendable, Hashable {
        /// The upstream asset.
        public let from: AssetKey
        /// The downstream asset.
        public let to: AssetKey
        /// The polyline: the start, one point per column crossed, the end.
        public let points: [Point]
    }

    /// The box around the nodes of one group, drawn behind them.
    public struct GroupBox: Sendable, Hashable {
        /// The group's name.
        public let name: String
        /// The left edge.
        public let x: Double
        /// The top edge.
        public let y: Double
        /// The width.
        public let width: Double
        /// The height.
        public let height: Double
    }

    /// The assets' boxes, in the order of the graph.
    public let nodes: [Node]
    /// The dependencies between the laid out assets.
    public let edges: [Edge]
    /// One box per group, around its nodes.
    public let groups: [GroupBox]
    /// The width of the whole drawing.
    public let width: Double
    /// The height of the whole drawing.
    public let height: Double

    /// The height of a node.
    public static let nodeHeight = 54.0
    /// Space between two columns, where edges run.
    public static let columnGap = 90.0
    /// Space between two nodes of a column.
    public static let rowGap = 22.0
    /// Space around the drawing and inside group boxes.
    public static let margin = 24.0

    /// The width of a node whose name is `name`: about 8 points per character of 13-point bold
    /// text, between 140 and 360.
    public static func nodeWidth(for name: String) -> Double {
        min(360, max(140, Double(min(name.count, 40)) * 8 + 40))
    }

    /// Lays out the nodes of `graph` with these indices and the edges between them.
    public init(graph: AssetGraph, including included: Set<Int>) {
        var builder = LayeredLayoutBuilder(graph: graph, included: included)
        builder.assignLayers()
        builder.insertVirtualNodes()
        builder.reduceCrossings()
        builder.assignCoordinates()
        (nodes, edges, groups, width, height) = builder.result()
    }
}
