extension AssetGraph {
    /// The node indices to draw for `selected`: all of them when they are at most `limit`;
    /// otherwise the neighbourhood of `focus` (or of the first selected node), as many columns up
    /// and down as fit in `limit`, within the selection.
    ///
    /// - Returns: the nodes, and whether they are fewer than the selection.
    public func drawableSubgraph(of selected: Set<Int>, focus: Int?, limit: Int) -> (nodes: Set<Int>, truncated: Bool) {
        guard selected.count > limit, let center = focus ?? selected.min() else { return (selected, false) }
        var best: Set<Int> = [center]
        for depth in 1...8 {
            let around = upstream(of: [center], depth: depth).union(downstream(of: [center], depth: depth))
                .intersection(selected).union([center])
            guard around.count <= limit else { break }
            best = around
            if around.count == selected.count { break }
        }
        return (best, best.count < selected.count)
    }
}
