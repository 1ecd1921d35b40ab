import Synchronization

/// Records the materialization of each asset of a step as soon as its computation has produced
/// it, for computations that produce many assets over time, such as a dbt build: the run's log
/// and the UI show each one as it finishes, not when the whole step ends.
public final class AssetOutputs: Sendable {
    private let step: any StepIO
    private let stored = Mutex<Set<AssetKey>>([])

    init(step: any StepIO) { self.step = step }

    /// Records the materialization of `key`, an asset of the step whose data the computation
    /// wrote itself, with the metadata and data version the context holds for it.
    ///
    /// - Throws: when `key` is not an asset of the step, or was materialized already.
    public func materialize(_ key: AssetKey) async throws {
        guard step.context.assetKeys.contains(key) else {
            throw OutputError.notAnOutput(key, step: step.context.stepKey)
        }
        guard stored.withLock({ $0.insert(key).inserted }) else {
            throw OutputError.materializedTwice(key, step: step.context.stepKey)
        }
        try await step.store(Nothing(), as: key)
    }

    /// The assets of the step not materialized yet.
    var remaining: [AssetKey] {
        let done = stored.withLock { $0 }
        return step.context.assetKeys.filter { !done.contains($0) }
    }

    /// Why an output could not be materialized.
    enum OutputError: Error, CustomStringConvertible {
        case notAnOutput(AssetKey, step: String)
        case materializedTwice(AssetKey, step: String)

        var description: String {
            switch self {
            case .notAnOutput(let key, let step): "'\(key)' is not an asset that step '\(step)' materializes"
            case .materializedTwice(let key, let step): "step '\(step)' materialized '\(key)' twice"
            }
        }
    }
}
