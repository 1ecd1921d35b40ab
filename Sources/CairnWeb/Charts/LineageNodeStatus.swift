/// How an asset is coloured in the lineage graph.
enum LineageNodeStatus: String, Sendable, CaseIterable {
    /// Materialized from current code and data.
    case fresh
    /// Materialized, but its code or upstream data changed since.
    case stale
    /// Never materialized.
    case missing
    /// Its latest materialization failed.
    case failed
    /// A run of it is queued or running.
    case inProgress
    /// A source asset, observed and never materialized.
    case source

    /// The colour of the node's border and status strip.
    var colour: String {
        switch self {
        case .fresh: "#2da44e"
        case .stale: "#d4a72c"
        case .missing: "#8c959f"
        case .failed: "#cf222e"
        case .inProgress: "#0969da"
        case .source: "#8250df"
        }
    }
}
