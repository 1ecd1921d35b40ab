extension MultiAsset {
    /// Defines one computation that produces the assets `specs` describe and stores their data
    /// itself, such as an external process writing several tables: Cairn stores no value for
    /// them, and records a materialization of each once `compute` returns.
    ///
    /// ```swift
    /// let tables = MultiAsset("load_tables", specs: [AssetSpec("orders"), AssetSpec("customers")]) { context in
    ///     try await context.pipes.run(["python3", "load.py"])
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - name: the computation's name, used as its step key.
    ///   - specs: the produced assets, with their groups, checks and dependencies.
    ///   - partitions: how all of them are partitioned; `nil` for the partitions of each spec.
    ///   - resources: the resources `compute` uses through `context.resource(_:)`.
    ///   - retryPolicy: how a failure is retried; the Definitions' default when `nil`.
    ///   - pool: the concurrency pool its step takes a slot of while it runs; `nil` for none.
    public init(
        _ name: String,
        specs: [AssetSpec],
        partitions: PartitionsDefinition? = nil,
        resources: [any ResourceKeyConvertible] = [],
        retryPolicy: RetryPolicy? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line,
        compute: @escaping @Sendable (AssetContext) async throws -> Void
    ) {
        let specs = specs.map { spec in
            var spec = spec
            if let partitions { spec.partitions = partitions }
            return spec
        }
        let keys = specs.map(\.key)
        definition = AssetsDefinition(
            name: name, specs: specs, ioManager: nil, retryPolicy: retryPolicy,
            resourceKeys: resources.map(\.erased), configSchema: nil, pool: pool, storesNothing: true,
            location: SourceLocation(file: file, line: line)
        ) { step in
            try await compute(step.context)
            for key in keys { try await step.store(Nothing(), as: key) }
        }
    }
}
