extension Definitions {
    /// The status of the given assets (all when `nil`): fresh, stale with the reasons, missing,
    /// or source; reads the latest materializations and observations they need in one batch.
    ///
    /// ```swift
    /// let statuses = try await definitions.statuses(of: ["hottest_dates"], storage: storage)
    /// ```
    ///
    /// - Throws: `DefinitionsError` when the definitions are invalid, `SelectionError` when a key
    ///   is not defined, and storage errors.
    public func statuses(
        of keys: [AssetKey]? = nil, storage: any EventLogStorage
    ) async throws -> [AssetKey: AssetStatus] {
        let graph = try assetGraph
        return try await graph.statuses(of: keys.map { try Set(graph.nodeIndices(of: $0)) }, storage: storage)
    }

    /// The assets among `keys` that are stale or missing, in the order given: what
    /// `materialize --stale-or-missing` runs.
    ///
    /// - Throws: `DefinitionsError` when the definitions are invalid, `SelectionError` when a key
    ///   is not defined, and storage errors.
    public func staleOrMissingKeys(among keys: [AssetKey], storage: any EventLogStorage) async throws -> [AssetKey] {
        let graph = try assetGraph
        let indices = try graph.nodeIndices(of: keys)
        let chosen = try await graph.staleOrMissing(in: Set(indices), storage: storage)
        return indices.filter { chosen.contains($0) }.map { graph.nodes[$0].key }
    }
}

extension AssetGraph {
    /// The node index of each key, or a `SelectionError` naming the first unknown one.
    fileprivate func nodeIndices(of keys: [AssetKey]) throws(SelectionError) -> [Int] {
        try keys.map { key throws(SelectionError) in
            guard let index = index(of: key) else {
                let hint = NearestName.hint(for: key.description, among: nodes.lazy.map(\.key.description))
                throw SelectionError(text: key.description, column: nil, message: "unknown asset '\(key)'\(hint)")
            }
            return index
        }
    }
}
