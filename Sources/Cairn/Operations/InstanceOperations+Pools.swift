extension InstanceOperations {
    /// Sets how many steps of a pool may run at once across every run of the instance.
    ///
    /// - Throws: `ConcurrencyPoolError` for a negative limit or a bad name.
    public func setPoolLimit(_ limit: Int, for name: String) async throws {
        try await storage.setPoolLimit(limit, for: name)
    }

    /// Removes a pool's own limit; the default limit then applies.
    ///
    /// - Throws: `OperationError.noPoolLimit` when the pool has none.
    public func deletePoolLimit(_ name: String) async throws {
        guard try await storage.deletePoolLimit(name) else {
            let limited = try await storage.concurrencyPools().filter { $0.limit != nil }.map(\.name)
            throw OperationError.noPoolLimit(name, limited: limited)
        }
    }

    /// Sets, or removes with `nil`, the limit of pools that have none of their own.
    ///
    /// - Throws: `ConcurrencyPoolError` for a negative limit.
    public func setDefaultPoolLimit(_ limit: Int?) async throws {
        try await storage.setDefaultPoolLimit(limit)
    }
}
