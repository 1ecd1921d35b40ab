/// Assets of a backfill that share runs: the same partitions, and no path between two of them
/// through an asset of a later group, so that runs only wait for runs of the same or earlier groups.
struct BackfillGroup {
    /// The node indices, in topological order.
    var nodes: [Int]

    /// Groups the selected nodes (in topological order), in an order where every group comes
    /// after the groups its assets depend on.
    static func groups(of selected: [Int], in graph: AssetGraph) -> [BackfillGroup] {
        var groups: [BackfillGroup] = []
        var groupOf: [Int: Int] = [:]
        for node in selected {
            let definition = graph.nodes[node].spec.partitions
            let earliest = graph.parents[node].compactMap { groupOf[$0] }.max() ?? 0
            let existing = groups.indices.last {
                $0 >= earliest && graph.nodes[groups[$0].nodes[0]].spec.partitions == definition
            }
            if let existing {
                groups[existing].nodes.append(node)
                groupOf[node] = existing
            } else {
                groupOf[node] = groups.count
                groups.append(BackfillGroup(nodes: [node]))
            }
        }
        return groups
    }
}
