import Cairn
import Foundation

/// Materializes assets in-process on in-memory storage and returns their values and events:
/// the way to test assets from XCTest or Swift Testing.
///
/// ```swift
/// @Test func hottestDatesAreSorted() async throws {
///     let result = try await materialize([dailyHighs, hottest], values: [.of(samples, testSamples)])
///     #expect(result.succeeded)
///     let top = try await result.value(of: hottest)
///     #expect(top.first?.maxTmpf == 91.2)
/// }
/// ```
///
/// - Parameters:
///   - assets: the assets to define; upstream assets given in `values` need not be among them.
///   - selection: which of them to materialize, in Dagster's selection syntax.
///   - scope: materialize and check (the default), only check, or only observe source assets.
///   - values: values of upstream assets to use instead of loading them, such as test rows for a
///     source asset that normally reads a file.
///   - checks: asset checks to run after the assets they check.
///   - ioManager: the IO manager of assets that name none; a fresh in-memory one by default.
///   - resources: the resources the assets use.
///   - retryPolicy: the retry policy of assets that name none.
///   - runConfig: config of the assets that take some.
///   - environment: the environment variables resources read.
///   - clock: what retries wait on; a `TestClock` makes them instant.
///   - maxConcurrency: how many steps may run at once.
///   - partition: the partition of partitioned assets to materialize.
///   - partitionRange: a range of partitions to materialize in one run.
///   - storage: the storage to use, to test a sequence of runs; a fresh in-memory one by default.
public func materialize(
    _ assets: [any AssetsDefinitionConvertible],
    selection: String = "*",
    scope: ExecutionPlan.Scope = .assetsAndChecks,
    values: [AssetValue] = [],
    checks: [AssetCheck] = [],
    ioManager: (any IOManager)? = nil,
    retryPolicy: RetryPolicy? = nil,
    resources: ResourceSet = [],
    runConfig: RunConfig = .empty,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    clock: any Clock<Duration> = TestClock(),
    maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
    partition: PartitionKey? = nil,
    partitionRange: PartitionKeyRange? = nil,
    storage: InMemoryStorage = InMemoryStorage()
) async throws -> MaterializeResult {
    let memory = MemoryIOManager()
    var definitions = assets.flatMap(\.assetsDefinitions)
    for value in values {
        value.store(memory)
        if let index = definitions.firstIndex(where: { $0.keys.contains(value.key) }) {
            definitions[index] = definitions[index].withIOManager(memory)
        } else {
            definitions.append(value.sourceDefinition.withIOManager(memory))
        }
    }
    let defaultIOManager = ioManager ?? memory
    let code = Definitions(
        assets: definitions, checks: checks + assets.flatMap(\.assetChecks), resources: resources,
        ioManager: defaultIOManager, retryPolicy: retryPolicy)
    let selectedKeys = try AssetSelection.parse(selection).keys(in: try code.assetGraph)
    let given = Set(values.map(\.key))
    let toMaterialize = selectedKeys.filter { !given.contains($0) }.map { "key:\"\($0)\"" }
    let run = try await code.materialize(
        toMaterialize.joined(separator: " or "), storage: storage, defaultIOManager: defaultIOManager, scope: scope,
        partition: partition, partitionRange: partitionRange, maxConcurrency: maxConcurrency, runConfig: runConfig,
        environment: environment, clock: clock)
    return try await MaterializeResult(
        run: run, storage: storage, definitions: code, environment: environment, clock: clock)
}

/// Runs an op job in-process on in-memory storage, keeping op outputs in memory to inspect
/// with `value(of:)`.
///
/// ```swift
/// let result = try await execute(Job("nightly", ops: [extract, summarize]))
/// #expect(try await result.value(of: summarize) == Summary(count: 3))
/// ```
public func execute(
    _ job: Job,
    resources: ResourceSet = [],
    runConfig: RunConfig = .empty,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    clock: any Clock<Duration> = TestClock()
) async throws -> MaterializeResult {
    let memory = MemoryIOManager()
    let code = Definitions(jobs: [job.withIOManager(memory)], resources: resources, ioManager: memory)
    let storage = InMemoryStorage()
    let planned = try await RunPlanner(definitions: code).plan(.job(job.name), runConfig: runConfig, storage: storage)
    let run = try await RunExecution(
        definitions: code, storage: storage, defaultIOManager: memory, environment: environment, clock: clock
    ).execute(planned)
    return try await MaterializeResult(
        run: run, storage: storage, definitions: code, environment: environment, clock: clock)
}

/// A value of an upstream asset handed to `materialize` instead of being loaded.
public struct AssetValue: Sendable {
    let key: AssetKey
    let store: @Sendable (MemoryIOManager) -> Void
    let sourceDefinition: AssetsDefinition

    /// The value `value` for the asset `reference`, or for one partition of it.
    public static func of<Reference: AssetReference>(
        _ reference: Reference, _ value: Reference.Value, partition: PartitionKey? = nil
    ) -> AssetValue {
        AssetValue(
            key: reference.key,
            store: { $0.set(value, for: reference.key, partition: partition) },
            sourceDefinition: SourceAsset<Reference.Value>(reference.key).definition)
    }
}

/// The outcome of an in-process `materialize`: the run, its events, and the stored values.
public struct MaterializeResult: Sendable {
    /// How the run and each step ended.
    public let run: RunResult
    /// Every event of the run, in order.
    public let events: [EventRecord]
    /// The storage the run used, for further queries.
    public let storage: InMemoryStorage
    /// The definitions the run used, with the test's IO managers.
    public let definitions: Definitions
    private let environment: [String: String]
    private let clock: any Clock<Duration>

    init(
        run: RunResult, storage: InMemoryStorage, definitions: Definitions, environment: [String: String],
        clock: any Clock<Duration>
    ) async throws {
        self.run = run
        self.events = try await storage.events(ofRun: run.runID, after: nil, limit: .max)
        self.storage = storage
        self.definitions = definitions
        self.environment = environment
        self.clock = clock
    }

    /// Re-executes this run on the same storage and values, as `reexecute` does: only what did not
    /// succeed when `fromFailure`, with `runConfig` instead of the run's own when given.
    public func reexecute(fromFailure: Bool = true, runConfig: RunConfig? = nil) async throws -> MaterializeResult {
        let planned = try await RunPlanner(definitions: definitions).planReexecution(
            of: run.runID, fromFailure: fromFailure, runConfig: runConfig, storage: storage)
        let next = try await RunExecution(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager(), environment: environment,
            clock: clock
        ).execute(planned)
        return try await MaterializeResult(
            run: next, storage: storage, definitions: definitions, environment: environment, clock: clock)
    }

    /// The status of each asset after this run: fresh, stale with reasons, or missing.
    public func statuses() async throws -> [AssetKey: AssetStatus] {
        try await definitions.statuses(storage: storage)
    }

    /// Whether every step succeeded.
    public var succeeded: Bool { run.succeeded }

    /// The value an asset (or an op of a job, or a partition of an asset) was materialized with.
    public func value<Reference: AssetReference>(
        of reference: Reference, partition: PartitionKey? = nil
    ) async throws -> Reference.Value {
        if let job = definitions.jobs.first {
            let op = job.ops.first { $0.keys.contains(reference.key) }
            let manager = op?.ioManager ?? job.ioManager ?? MemoryIOManager()
            return try await manager.loadInput(
                Reference.Value.self, context: InputContext(assetKey: reference.key, runID: run.runID))
        }
        return try await definitions.loadValue(
            of: reference, partition: partition, defaultIOManager: MemoryIOManager())
    }

    /// The events of one type, in order.
    public func events(ofType type: EventType) -> [Event] {
        events.map(\.event).filter { $0.type == type }
    }

    /// The metadata of an asset's materialization in this run, or `nil` if it was not materialized.
    public func metadata(of key: AssetKey) -> Metadata? {
        events(ofType: .assetMaterialization).last { $0.assetKey == key }?.metadata
    }

    /// The metadata of an asset's materialization in this run, or `nil` if it was not materialized.
    public func metadata<Reference: AssetReference>(of reference: Reference) -> Metadata? {
        metadata(of: reference.key)
    }

    /// The latest evaluation of a check in this run, or `nil` if it did not run.
    public func checkEvaluation(_ name: String, on reference: some AssetReference) -> CheckEvaluation? {
        events(ofType: .assetCheckEvaluation).last {
            $0.assetKey == reference.key && $0.checkEvaluation?.checkName == name
        }?.checkEvaluation
    }

    /// The messages the assets logged through `context.log`, in order.
    public var logMessages: [String] {
        events(ofType: .logs).map(\.message)
    }
}
