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

    func load<Value: Codable & Sendable>(
        _ type: Value.Type, from key: AssetKey, using ioManager: (any IOManager)?
    ) async throws -> Value {
        if let nothing = Nothing() as? Value { return nothing }
        let manager = ioManager ?? ioManagers.manager(for: key)
        let value: Value
        do {
            let inputContext = InputContext(
                assetKey: key, consumer: context.assetKey, runID: context.runID,
                upstreamMetadata: upstream.metadata[key] ?? [:])
            value = try await manager.loadInput(type, context: inputContext)
        } catch {
            throw InputLoadError(input: key, consumer: context.assetKey, underlying: error)
        }
        events.add(
            Event(
                .loadedInput, runID: context.runID, stepKey: context.stepKey, assetKey: key, level: .debug,
                message: "Loaded input '\(key)' using \(Swift.type(of: manager))"))
        return value
    }

    func store<Value: Codable & Sendable>(_ value: Value, as key: AssetKey) async throws {
        let runID = context.runID
        let stepKey = context.stepKey
        events.add(
            Event(
                .stepOutput, runID: runID, stepKey: stepKey, assetKey: key, level: .debug,
                message: "Yielded output '\(key)' of type \(Value.self)"))
        var metadata = context.addedMetadata(for: key)
        let provenance = DataProvenance(
            codeVersion: ioManagers.graph[key]?.spec.codeVersion, inputDataVersions: upstream.dataVersions)
        let dataVersion =
            try context.chosenDataVersion(for: key)
            ?? (value is Nothing ? DataVersion.derived(from: provenance, runID: runID) : DataVersion.of(value))
        if !(value is Nothing) {
            let manager = ioManagers.manager(for: key)
            let outputContext = OutputContext(
                assetKey: key, runID: runID, stepKey: stepKey, definitionMetadata: ioManagers.metadata(for: key))
            // What the asset said about its value wins over what the IO manager says.
            for (label, value) in try await manager.handleOutput(value, context: outputContext)
            where metadata[label] == nil {
                metadata[label] = value
            }
            events.add(
                Event(
                    .handledOutput, runID: runID, stepKey: stepKey, assetKey: key, level: .debug,
                    message: "Handled output '\(key)' using \(Swift.type(of: manager))"))
        }
        guard producesAssets else { return }
        events.add(
            Event(
                .assetMaterialization, runID: runID, stepKey: stepKey, assetKey: key,
                message: "Materialized value \(key)", metadata: metadata, dataVersion: dataVersion,
                provenance: provenance))
    }
}

/// The data versions (by written key, for provenance) and materialization metadata of a step's
/// upstream assets, as the executor knows them when it launches the step.
struct UpstreamState: Sendable {
    var dataVersions: [String: String] = [:]
    var metadata: [AssetKey: Metadata] = [:]
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
