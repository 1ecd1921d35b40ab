/// One computation that produces several assets at once, such as a script that writes
/// several tables. Each output is an `AssetOut` that downstream assets reference.
///
/// ```swift
/// let active = AssetOut<[Customer]>("active_customers")
/// let lapsed = AssetOut<[Customer]>("lapsed_customers")
/// let split = MultiAsset("split_customers", outs: active, lapsed, from: customers) { _, customers in
///     (customers.filter(\.isActive), customers.filter { !$0.isActive })
/// }
/// ```
public struct MultiAsset: AssetsDefinitionConvertible {
    /// The erased definition registered with `Definitions`.
    public let definition: AssetsDefinition

    /// The keys of the produced assets.
    public var keys: [AssetKey] { definition.keys }

    /// The definitions this multi-asset contributes: itself.
    public var assetsDefinitions: [AssetsDefinition] { [definition] }

    /// Defines a computation producing the given outputs from any number of upstream assets.
    ///
    /// - Parameters:
    ///   - name: the computation's name, used as its step key.
    ///   - outs: the produced assets; `compute` returns their values in the same order.
    ///   - group: the group of outputs that name none.
    ///   - partitions: how all outputs are partitioned; `nil` for none.
    ///   - upstream: the assets whose values `compute` receives, in order.
    ///   - deps: assets that must be materialized first but whose values are not passed in.
    ///   - io: the IO manager for all outputs; the Definitions' default when `nil`.
    ///   - resources: the resources `compute` uses through `context.resource(_:)`.
    ///   - config: the run config it takes (`.defaults(Thresholds())`), read with `context.config(_:)`.
    ///   - retryPolicy: how a failure is retried; the Definitions' default when `nil`.
    ///   - timeout: how long one attempt may take before it is interrupted and fails; `nil` for no limit.
    ///   - pool: the concurrency pool its step takes a slot of while it runs; `nil` for none.
    public init<each Output: Codable & Sendable, each Upstream: AssetReference>(
        _ name: String,
        outs: repeat AssetOut<each Output>,
        group: String? = nil,
        partitions: PartitionsDefinition? = nil,
        from upstream: repeat each Upstream,
        deps: [AssetKey] = [],
        io: (any IOManager)? = nil,
        resources: [any ResourceKeyConvertible] = [],
        config: ConfigSchema? = nil,
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line,
        compute:
            @escaping @Sendable (AssetContext, repeat (each Upstream).Value) async throws -> (
                repeat each Output
            )
    ) {
        let dependencies = AssetDependency.list(data: repeat each upstream, order: deps)
        var specs: [AssetSpec] = []
        for out in repeat each outs {
            var spec = out.spec
            if !out.groupWasGiven, let group { spec.group = group }
            spec.dependencies = dependencies
            spec.partitions = partitions
            specs.append(spec)
        }
        let references = (repeat each upstream)
        let outputs = (repeat each outs)
        definition = AssetsDefinition(
            name: name, specs: specs, ioManager: io, retryPolicy: retryPolicy, timeout: timeout,
            resourceKeys: resources.map(\.erased),
            configSchema: config,
            pool: pool,
            location: SourceLocation(file: file, line: line)
        ) { step in
            let values = try await compute(step.context, repeat try await step.load(each references))
            repeat try await step.store(each values, as: (each outputs).key)
        }
    }
}
