/// One unit of computation and the assets it produces, with their specs: the type-erased form
/// of `Asset`, `SourceAsset` and `MultiAsset` that the graph and the executor work with.
public struct AssetsDefinition: Sendable {
    /// The name of the computation: the step key in runs (`warehouse__orders` for `warehouse/orders`).
    public let name: String
    /// The assets the computation produces (one for `Asset`, several for `MultiAsset`).
    public let specs: [AssetSpec]
    /// The IO manager that stores and loads these assets' values; the Definitions' default when `nil`.
    public internal(set) var ioManager: (any IOManager)?
    /// How a failed run of the computation is retried; the Definitions' default when `nil`.
    public internal(set) var retryPolicy: RetryPolicy?
    /// How long one attempt of its step may take before it is interrupted and fails (and is
    /// retried under its retry policy); `nil` for no limit.
    public let timeout: Duration?
    /// The resources the computation uses.
    public let resourceKeys: [AnyResourceKey]
    /// The run config the computation takes, under `ops.<name>.config`; `nil` when it takes none.
    public let configSchema: ConfigSchema?
    /// Whether its outputs are assets (recorded as materializations) rather than op outputs.
    public let producesAssets: Bool
    /// How backfills split its partitions into runs; one partition per run when `nil`.
    public let backfillPolicy: BackfillPolicy?
    /// The concurrency pool whose slot its step holds while it runs; `nil`: none.
    public let pool: String?
    /// Whether it returns `Nothing`, storing its data itself, so one run can cover many partitions.
    public let storesNothing: Bool
    /// Whether a run may materialize only some of its assets (a dbt project's models): its step
    /// then gets only the selected ones in `context.assetKeys`.
    public let isSubsettable: Bool
    /// Whether this is a source asset that only stands in for an asset nobody else defines (a
    /// dbt source): when another definition produces the same key, that one is used instead.
    public internal(set) var isStandIn = false
    /// Where the definition was written.
    public let location: SourceLocation
    /// Computes the assets; `nil` for a source asset, which Cairn only reads.
    let body: (@Sendable (any StepIO) async throws -> Void)?
    /// Observes a source asset's current data version; `nil` when it cannot be observed.
    let observe: (@Sendable (AssetContext) async throws -> ObservationResult)?

    /// Creates a definition; `body` loads inputs, calls the user's function and stores outputs.
    init(
        name: String,
        specs: [AssetSpec],
        ioManager: (any IOManager)?,
        retryPolicy: RetryPolicy? = nil,
        timeout: Duration? = nil,
        resourceKeys: [AnyResourceKey] = [],
        configSchema: ConfigSchema? = nil,
        producesAssets: Bool = true,
        backfillPolicy: BackfillPolicy? = nil,
        pool: String? = nil,
        storesNothing: Bool = false,
        isSubsettable: Bool = false,
        location: SourceLocation,
        observe: (@Sendable (AssetContext) async throws -> ObservationResult)? = nil,
        body: (@Sendable (any StepIO) async throws -> Void)?
    ) {
        self.name = name
        self.specs = specs
        self.ioManager = ioManager
        self.retryPolicy = retryPolicy
        self.timeout = timeout
        self.resourceKeys = resourceKeys
        self.configSchema = configSchema
        self.producesAssets = producesAssets
        self.backfillPolicy = backfillPolicy
        self.pool = pool
        self.storesNothing = storesNothing
        self.isSubsettable = isSubsettable
        self.location = location
        self.observe = observe
        self.body = body
    }

    /// This source asset, standing in for an asset nobody else defines: when another definition
    /// produces the same key (a Swift asset writing a dbt source's table), that one is used.
    public func asStandIn() -> AssetsDefinition {
        var copy = self
        copy.isStandIn = body == nil
        return copy
    }

    /// Whether this is a source asset: defined outside Cairn's control, never materialized by it.
    public var isSource: Bool { body == nil }

    /// Whether this is a source asset with an `observe` function.
    public var isObservable: Bool { observe != nil }

    /// The keys of the produced assets.
    public var keys: [AssetKey] { specs.map(\.key) }

    /// The step key Cairn uses for an asset key: its components joined by `__`, as in Dagster.
    static func stepName(for key: AssetKey) -> String {
        key.path.joined(separator: "__")
    }
}

/// What an asset's type-erased body needs from the executor: loading inputs and storing outputs
/// through the right IO managers, and the context handed to the user's function.
protocol StepIO: Sendable {
    /// The context passed to the user's compute function.
    var context: AssetContext { get }
    /// Loads the value of an upstream asset through `ioManager`, or that asset's own when `nil`:
    /// of the upstream partitions `mapping` picks when the upstream asset is partitioned.
    func load<Value: Codable & Sendable>(
        _ type: Value.Type, from key: AssetKey, using ioManager: (any IOManager)?, mapping: PartitionMapping?
    ) async throws -> Value
    /// Stores the value of a produced asset through its IO manager.
    func store<Value: Codable & Sendable>(_ value: Value, as key: AssetKey) async throws
}

extension StepIO {
    /// Loads the value an asset reference points at.
    func load<Reference: AssetReference>(_ reference: Reference) async throws -> Reference.Value {
        try await load(
            Reference.Value.self, from: reference.key, using: reference.inputIOManager,
            mapping: reference.inputPartitionMapping)
    }
}

extension AssetsDefinition {
    /// The same definition storing and loading its values through another IO manager, as tests
    /// do to keep values in memory or to provide a source asset's value.
    public func withIOManager(_ ioManager: any IOManager) -> AssetsDefinition {
        var copy = self
        copy.ioManager = ioManager
        return copy
    }
}
