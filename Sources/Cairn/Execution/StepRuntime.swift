/// Loads a step's inputs and stores its outputs through the right IO managers, recording
/// LOADED_INPUT, STEP_OUTPUT, HANDLED_OUTPUT and ASSET_MATERIALIZATION events as it goes.
struct StepRuntime: StepIO {
    let context: AssetContext
    let events: EventCollector
    let ioManagers: IOManagerResolver
    /// What the executor knows of the step's upstream assets' latest materializations.
    var upstream: UpstreamState = UpstreamState()
    /// Whether stored outputs are assets, recorded as materializations (false for ops).
    var producesAssets = true

    /// What the run knows of partitions; `nil` when nothing it touches is partitioned.
    var partitions: RunPartitions?

    func load<Value: Codable & Sendable>(
        _ type: Value.Type, from key: AssetKey, using ioManager: (any IOManager)?, mapping: PartitionMapping?
    ) async throws -> Value {
        if let nothing = Nothing() as? Value { return nothing }
        let manager = ioManager ?? ioManagers.manager(for: key)
        let keys: [PartitionKey]?
        do {
            keys = try partitions?.upstreamKeys(
                of: key, for: context.assetKey, mapping: mapping, ownAssets: context.assetKeys)
        } catch {
            throw InputLoadError(input: key, consumer: context.assetKey, underlying: error)
        }
        guard let keys else { return try await load(type, from: key, partition: nil, using: manager) }
        if let many = Value.self as? any PartitionedValuesLoadable.Type {
            let loader = PartitionLoader(runtime: self, key: key, manager: manager)
            return try await many.load(keys: keys, with: loader) as! Value
        }
        guard keys.count == 1 else {
            let problem =
                keys.isEmpty
                ? PartitionInputError.noPartition(upstream: key, partitions: context.partitionTarget?.range)
                : PartitionInputError.severalPartitions(upstream: key, count: keys.count)
            throw InputLoadError(input: key, consumer: context.assetKey, underlying: problem)
        }
        return try await load(type, from: key, partition: keys[0], using: manager)
    }

    /// Loads the value of one partition of an upstream asset (of the whole asset when `nil`).
    fileprivate func load<Value: Codable & Sendable>(
        _ type: Value.Type, from key: AssetKey, partition: PartitionKey?, using manager: any IOManager
    ) async throws -> Value {
        let value: Value
        do {
            let inputContext = InputContext(
                assetKey: key, consumer: context.assetKey, runID: context.runID,
                upstreamMetadata: upstream.metadata[key] ?? [:], partitionKey: partition)
            value = try await manager.loadInput(type, context: inputContext)
        } catch {
            throw InputLoadError(input: key, consumer: context.assetKey, underlying: error)
        }
        let what = partition.map { "partition '\($0)' of input '\(key)'" } ?? "input '\(key)'"
        events.add(
            Event(
                .loadedInput, runID: context.runID, stepKey: context.stepKey, assetKey: key, partition: partition,
                level: .debug, message: "Loaded \(what) using \(Swift.type(of: manager))"))
        return value
    }

    func store<Value: Codable & Sendable>(_ value: Value, as key: AssetKey) async throws {
        let runID = context.runID
        let stepKey = context.stepKey
        events.add(
            Event(
                .stepOutput, runID: runID, stepKey: stepKey, assetKey: key, level: .debug,
                message: "Yielded output '\(key)' of type \(Value.self)"))
        let partitionKeys: [PartitionKey?] = partitions?.targets[key]?.keys ?? [nil]
        let spec = ioManagers.graph[key]?.spec
        // Upstream assets the same step materialized before this one (dbt models of one build).
        var inputs = upstream.dataVersions
        for parent in spec?.dependencyKeys ?? [] {
            if let version = context.materializedDataVersion(of: parent) { inputs[parent.description] = version }
        }
        let provenance = DataProvenance(codeVersion: spec?.codeVersion, inputDataVersions: inputs)
        let dataVersion =
            try context.chosenDataVersion(for: key)
            ?? (value is Nothing ? DataVersion.derived(from: provenance, runID: runID) : DataVersion.of(value))
        for partition in partitionKeys {
            var metadata = context.addedMetadata(for: key)
            if !(value is Nothing) {
                let manager = ioManagers.manager(for: key)
                let outputContext = OutputContext(
                    assetKey: key, runID: runID, stepKey: stepKey, definitionMetadata: ioManagers.metadata(for: key),
                    partitionKey: partition)
                // What the asset said about its value wins over what the IO manager says.
                for (label, value) in try await manager.handleOutput(value, context: outputContext)
                where metadata[label] == nil {
                    metadata[label] = value
                }
                events.add(
                    Event(
                        .handledOutput, runID: runID, stepKey: stepKey, assetKey: key, partition: partition,
                        level: .debug, message: "Handled output '\(key)' using \(Swift.type(of: manager))"))
            }
            context.rememberMaterialized(key, dataVersion: dataVersion)
            guard producesAssets else { continue }
            let what = partition.map { "partition '\($0)' of \(key)" } ?? "value \(key)"
            events.add(
                Event(
                    .assetMaterialization, runID: runID, stepKey: stepKey, assetKey: key, partition: partition,
                    message: "Materialized \(what)", metadata: metadata, dataVersion: dataVersion,
                    provenance: provenance))
        }
    }
}

/// Loads the partitions of a `PartitionedValues` input through a step's runtime.
private struct PartitionLoader: PartitionValueLoader {
    let runtime: StepRuntime
    let key: AssetKey
    let manager: any IOManager

    func loadPartition<Value: Codable & Sendable>(_ type: Value.Type, _ partition: PartitionKey) async throws
        -> Value
    {
        try await runtime.load(type, from: key, partition: partition, using: manager)
    }
}

/// Why a partitioned input cannot be loaded as one value.
enum PartitionInputError: Error, CustomStringConvertible {
    case noPartition(upstream: AssetKey, partitions: PartitionKeyRange?)
    case severalPartitions(upstream: AssetKey, count: Int)

    var description: String {
        switch self {
        case .noPartition(let upstream, let partitions):
            "no partition of '\(upstream)' maps to "
                + (partitions.map { "partition \($0)" } ?? "this asset")
                + " (for example the day before the first one); load it with `.partitions(...)` to get an empty "
                + "set in that case"
        case .severalPartitions(let upstream, let count):
            "\(count) partitions of '\(upstream)' map to this asset's partition, but the input takes one value; "
                + "load it with `\(upstream.path.last ?? "upstream").partitions(...)` to receive them all by key"
        }
    }
}

/// The data versions (by written key, for provenance) and materialization metadata of a step's
/// upstream assets, as the executor knows them when it launches the step.
struct UpstreamState: Sendable {
    var dataVersions: [String: String] = [:]
    var metadata: [AssetKey: Metadata] = [:]
    /// The latest data version of each partition of partitioned upstream assets.
    var partitionVersions: [AssetKey: [PartitionKey: String]] = [:]

    /// Takes in the data versions and metadata of the materializations among `events`.
    mutating func record(_ events: [Event]) {
        for event in events where event.type == .assetMaterialization {
            guard let key = event.assetKey else { continue }
            dataVersions[key.description] = event.dataVersion
            metadata[key] = event.metadata
            if let partition = event.partition {
                partitionVersions[key, default: [:]][partition] = event.dataVersion
            }
        }
    }
}

/// Chooses the IO manager of each asset: its definition's, or the run's default.
struct IOManagerResolver: Sendable {
    let graph: AssetGraph
    let defaultManager: any IOManager

    func manager(for key: AssetKey) -> any IOManager {
        guard let node = graph[key] else { return defaultManager }
        return graph.definitions[node.definitionIndex].ioManager ?? defaultManager
    }

    func metadata(for key: AssetKey) -> Metadata {
        graph[key]?.spec.metadata ?? [:]
    }
}

/// An input could not be loaded; says which and why.
struct InputLoadError: Error, CustomStringConvertible {
    let input: AssetKey
    let consumer: AssetKey
    let underlying: any Error

    var description: String {
        "could not load input '\(input)' of '\(consumer)': \(underlying)"
    }
}
