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
    ///   - timeout: how long one attempt may take before it is interrupted and fails; `nil` for no limit.
    ///   - pool: the concurrency pool its step takes a slot of while it runs; `nil` for none.
    public init(
        _ name: String,
        specs: [AssetSpec],
        partitions: PartitionsDefinition? = nil,
        resources: [any ResourceKeyConvertible] = [],
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line,
        compute: @escaping @Sendable (AssetContext) async throws -> Void
    ) {
        self.init(
            name, specs: specs, partitions: partitions, resources: resources, retryPolicy: retryPolicy,
            timeout: timeout, pool: pool,
            file: file, line: line
        ) { context, _ in
            try await compute(context)
        }
    }

    /// Defines one computation that produces the assets `specs` describe, stores their data
    /// itself, and records each as soon as it is done with `outputs.materialize(key)`; the
    /// assets it did not record are materialized when it returns.
    ///
    /// - Parameters:
    ///   - config: the run config it takes (`.defaults(DbtBuildConfig())`), read with `context.config(_:)`.
    ///   - isSubsettable: whether a run may select only some of the assets; `context.assetKeys`
    ///     then holds the selected ones, which the computation must limit itself to.
    ///   - Other parameters: as for `init(_:specs:partitions:resources:retryPolicy:timeout:pool:compute:)`.
    public init(
        _ name: String,
        specs: [AssetSpec],
        partitions: PartitionsDefinition? = nil,
        resources: [any ResourceKeyConvertible] = [],
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration? = nil,
        pool: String? = nil,
        config: ConfigSchema? = nil,
        isSubsettable: Bool = false,
        file: String = #fileID,
        line: Int = #line,
        compute: @escaping @Sendable (AssetContext, AssetOutputs) async throws -> Void
    ) {
        let specs = specs.map { spec in
            var spec = spec
            if let partitions { spec.partitions = partitions }
            return spec
        }
        definition = AssetsDefinition(
            name: name, specs: specs, ioManager: nil, retryPolicy: retryPolicy, timeout: timeout,
            resourceKeys: resources.map(\.erased), configSchema: config, pool: pool, storesNothing: true,
            isSubsettable: isSubsettable, location: SourceLocation(file: file, line: line)
        ) { step in
            let outputs = AssetOutputs(step: step)
            try await compute(step.context, outputs)
            for key in outputs.remaining { try await outputs.materialize(key) }
        }
    }
}
