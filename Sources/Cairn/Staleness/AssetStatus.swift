/// Whether an asset's stored data reflects its current code and the current data of its
/// upstream assets, as Dagster shows it in the asset graph.
///
/// ```swift
/// let statuses = try await definitions.statuses(storage: storage)
/// if case .stale(let reasons) = statuses["hottest_dates"] {
///     print(reasons.map(\.description).joined(separator: "; "))
///     // upstream 'daily_temperature_highs' has a newer data version
/// }
/// ```
public enum AssetStatus: Sendable, Hashable, CustomStringConvertible {
    /// Materialized from its current code and from the current data of everything upstream.
    case fresh
    /// Materialized, but its code or its upstream data changed since; the reasons say what.
    case stale([StaleReason])
    /// Never materialized.
    case missing
    /// A source asset: Cairn reads and observes it but never materializes it, so it is never stale.
    case source

    /// Why the asset is stale; empty for every other status.
    public var reasons: [StaleReason] {
        if case .stale(let reasons) = self { return reasons }
        return []
    }

    /// Whether materializing the asset would change something: it is stale or missing.
    public var isStaleOrMissing: Bool {
        switch self {
        case .stale, .missing: true
        case .fresh, .source: false
        }
    }

    /// `fresh`, `stale`, `missing` or `source`.
    public var description: String {
        switch self {
        case .fresh: "fresh"
        case .stale: "stale"
        case .missing: "missing"
        case .source: "source"
        }
    }
}
