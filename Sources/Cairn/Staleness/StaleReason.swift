/// One reason an asset is stale; its description reads like Dagster's.
public enum StaleReason: Sendable, Hashable, CustomStringConvertible {
    /// The asset's code version differs from the one it was materialized with (`nil`: none was recorded).
    case codeVersionChanged(from: String?, to: String)
    /// A dependency's current data version differs from the one the asset was computed from.
    case newerUpstreamData(AssetKey)
    /// A dependency is itself stale, so the asset was computed from outdated data.
    case upstreamStale(AssetKey)
    /// A dependency has never been materialized (or its history was removed).
    case upstreamMissing(AssetKey)
    /// The asset now depends on an asset it was not computed from.
    case dependencyAdded(AssetKey)
    /// The asset was computed from an asset it no longer depends on.
    case dependencyRemoved(AssetKey)

    /// The upstream asset the reason names, if it names one.
    public var upstream: AssetKey? {
        switch self {
        case .codeVersionChanged: nil
        case .newerUpstreamData(let key), .upstreamStale(let key), .upstreamMissing(let key),
            .dependencyAdded(let key), .dependencyRemoved(let key):
            key
        }
    }

    /// The reason for people: `code version changed from 1 to 2`, `upstream 'raw' is stale`.
    public var description: String {
        switch self {
        case .codeVersionChanged(let from, let to): "code version changed from \(from ?? "none") to \(to)"
        case .newerUpstreamData(let key): "upstream '\(key)' has a newer data version"
        case .upstreamStale(let key): "upstream '\(key)' is stale"
        case .upstreamMissing(let key): "upstream '\(key)' is missing"
        case .dependencyAdded(let key): "new dependency '\(key)'"
        case .dependencyRemoved(let key): "dependency '\(key)' was removed"
        }
    }
}
