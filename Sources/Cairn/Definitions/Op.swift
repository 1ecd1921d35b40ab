/// A step of a job that is not an asset: a unit of work with typed inputs (the outputs of other
/// ops) and a typed output, run by the same executor, with the same events and retries.
///
/// ```swift
/// let extract = Op("extract") { _ in try await fetchOrders() }
/// let summarize = Op("summarize", from: extract) { _, orders in Summary(orders) }
/// let publish = Op("publish", from: summarize, io: .json(directory: "reports")) { _, summary in summary }
/// let nightly = Job("nightly_report", ops: [extract, summarize, publish])
/// ```
public struct Op<Output: Codable & Sendable>: AssetReference, OpConvertible {
    /// The type of the op's output.
    public typealias Value = Output

    /// The erased computation the job runs.
    public let definition: AssetsDefinition

    /// The op's name, the key of its output within its job.
    public var key: AssetKey { definition.specs[0].key }

    /// Defines an op computing its output from the outputs of other ops.
    ///
    /// - Parameters:
    ///   - name: the op's name, unique in its job.
    ///   - upstream: the ops whose outputs `compute` receives, in order.
    ///   - io: where the output is stored; the job's IO manager (memory by default) when `nil`.
    ///   - config: the run config it takes, read with `context.config(_:)`.
    ///   - pool: the concurrency pool its step takes a slot of while it runs; `nil` for none.
    ///   - timeout: how long one attempt may take before it is interrupted and fails (then retried
    ///     under `retryPolicy`); `nil` for no bound.
    public init<each Upstream: AssetReference>(
        _ name: String,
        description: String? = nil,
        tags: [String: String] = [:],
        from upstream: repeat each Upstream,
        io: (any IOManager)? = nil,
        resources: [any ResourceKeyConvertible] = [],
        config: ConfigSchema? = nil,
        retryPolicy: RetryPolicy? = nil,
        pool: String? = nil,
        timeout: Duration? = nil,
        file: String = #fileID,
        line: Int = #line,
        compute: @escaping @Sendable (AssetContext, repeat (each Upstream).Value) async throws -> Output
    ) {
        let key = AssetKey(path: [name])
        let spec = AssetSpec(
            key, description: description, tags: tags,
            dependencies: AssetDependency.list(data: repeat each upstream, order: []))
        let references = (repeat each upstream)
        definition = AssetsDefinition(
            name: name, specs: [spec], ioManager: io, retryPolicy: retryPolicy, timeout: timeout,
            resourceKeys: resources.map(\.erased), configSchema: config, producesAssets: false, pool: pool,
            location: SourceLocation(file: file, line: line)
        ) { step in
            let value = try await compute(step.context, repeat try await step.load(each references))
            try await step.store(value, as: key)
        }
    }

    /// The op's computation.
    public var opDefinition: AssetsDefinition { definition }
}

/// Anything that is an op of a job.
public protocol OpConvertible: Sendable {
    /// The op's erased computation.
    var opDefinition: AssetsDefinition { get }
}
