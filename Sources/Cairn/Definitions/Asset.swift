/// An asset computed by Cairn from other assets: a table, a file, a model, a report.
///
/// The upstream assets are passed as typed references; their values arrive as the compute
/// function's parameters, loaded through their IO managers:
///
/// ```swift
/// let dailyHighs = Asset("daily_temperature_highs", group: "weather", from: samples) { context, samples in
///     let highs = computeHighs(samples)
///     context.addMetadata(["rows": .int(highs.count)])
///     return highs
/// }
/// ```
public struct Asset<Output: Codable & Sendable>: AssetReference, AssetsDefinitionConvertible {
    /// The type of the asset's value.
    public typealias Value = Output

    /// The erased definition registered with `Definitions`.
    public let definition: AssetsDefinition

    /// The asset's key.
    public var key: AssetKey { definition.specs[0].key }

    /// The asset's spec: description, group, tags, owners, kinds, code version, metadata, deps.
    public var spec: AssetSpec { definition.specs[0] }

    /// The definitions this asset contributes: itself.
    public var assetsDefinitions: [AssetsDefinition] { [definition] }

    /// Defines an asset computed from any number of upstream assets.
    ///
    /// - Parameters:
    ///   - key: the asset's key, such as `"orders"` or `"warehouse/orders"`.
    ///   - upstream: the assets whose values `compute` receives, in order.
    ///   - checks: checks the compute function evaluates itself with `context.report(_:for:)`.
    ///   - partitions: how the asset is partitioned (`.daily(start: "2024-01-01")`); `nil` for none.
    ///   - automationCondition: when the automation daemon requests the asset (`.eager()`); `nil` for never.
    ///   - deps: assets that must be materialized first but whose values are not passed in.
    ///   - io: the IO manager that stores the value; the Definitions' default when `nil`.
    ///   - resources: the resources `compute` uses through `context.resource(_:)`.
    ///   - config: the run config it takes (`.defaults(Thresholds())`), read with `context.config(_:)`.
    ///   - retryPolicy: how a failure is retried; the Definitions' default when `nil`.
    ///   - timeout: how long one attempt may take before it is interrupted and fails (then retried
    ///     under `retryPolicy`); `nil` for no limit.
    ///   - backfillPolicy: whether a backfill materializes several partitions in one run, which
    ///     then gets `context.partitionKeyRange`; only for assets that store their own data (`Nothing`).
    ///   - pool: the concurrency pool its step takes a slot of, limiting how many steps of all runs
    ///     use a shared resource at once (`pool set api 3`); `nil` for none.
    ///   - compute: computes the value from the context and the upstream values.
    public init<each Upstream: AssetReference>(
        _ key: AssetKey,
        description: String? = nil,
        group: String? = nil,
        tags: [String: String] = [:],
        owners: [String] = [],
        kinds: [String] = [],
        codeVersion: String? = nil,
        metadata: Metadata = [:],
        checks: [AssetCheckSpec] = [],
        partitions: PartitionsDefinition? = nil,
        automationCondition: AutomationCondition? = nil,
        from upstream: repeat each Upstream,
        deps: [AssetKey] = [],
        io: (any IOManager)? = nil,
        resources: [any ResourceKeyConvertible] = [],
        config: ConfigSchema? = nil,
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration? = nil,
        backfillPolicy: BackfillPolicy? = nil,
        pool: String? = nil,
        file: String = #fileID,
        line: Int = #line,
        compute: @escaping @Sendable (AssetContext, repeat (each Upstream).Value) async throws -> Output
    ) {
        let dependencies = AssetDependency.list(data: repeat each upstream, order: deps)
        let spec = AssetSpec(
            key, description: description, group: group, tags: tags, owners: owners, kinds: kinds,
            codeVersion: codeVersion, metadata: metadata, dependencies: dependencies, checks: checks,
            partitions: partitions, automationCondition: automationCondition)
        let references = (repeat each upstream)
        definition = AssetsDefinition(
            name: AssetsDefinition.stepName(for: key),
            specs: [spec],
            ioManager: io,
            retryPolicy: retryPolicy,
            timeout: timeout,
            resourceKeys: resources.map(\.erased),
            configSchema: config,
            backfillPolicy: backfillPolicy,
            pool: pool,
            storesNothing: Output.self == Nothing.self,
            location: SourceLocation(file: file, line: line)
        ) { step in
            let value = try await compute(step.context, repeat try await step.load(each references))
            try await step.store(value, as: key)
        }
    }
}

/// The value of an asset that produces nothing to pass on, such as one that writes a table
/// through its own connection. Cairn stores nothing for it; downstream assets depend on it with `deps:`.
public struct Nothing: Codable, Sendable, Hashable {
    /// The only value.
    public init() {}
}
