/// Loads a step's inputs and stores its outputs through the right IO managers, recording
/// LOADED_INPUT, STEP_OUTPUT, HANDLED_OUTPUT and ASSET_MATERIALIZATION events as it goes.
struct StepRuntime: StepIO {
    let context: AssetContext
    let events: EventCollector
    let ioManagers: IOManagerResolver

    func load<Value: Codable & Sendable>(_ type: Value.Type, from key: AssetKey) async throws -> Value {
        if let nothing = Nothing() as? Value { return nothing }
        let manager = ioManagers.manager(for: key)
        let value: Value
        do {
            value = try await manager.loadInput(
                type, context: InputContext(assetKey: key, consumer: context.assetKey, runID: context.runID))
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
        if !(value is Nothing) {
            let manager = ioManagers.manager(for: key)
            let outputContext = OutputContext(
                assetKey: key, runID: runID, stepKey: stepKey, definitionMetadata: ioManagers.metadata(for: key))
            metadata.merge(try await manager.handleOutput(value, context: outputContext))
            events.add(
                Event(
                    .handledOutput, runID: runID, stepKey: stepKey, assetKey: key, level: .debug,
                    message: "Handled output '\(key)' using \(Swift.type(of: manager))"))
        }
        events.add(
            Event(
                .assetMaterialization, runID: runID, stepKey: stepKey, assetKey: key,
                message: "Materialized value \(key)", metadata: metadata))
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
