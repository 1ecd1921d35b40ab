/// A data quality check on an asset, run after the asset is materialized (or alone with
/// `check --select`), with its result stored and shown next to the asset.
///
/// A blocking check that fails, or throws, stops the checked asset's downstream assets in the
/// same run; a non-blocking one only records its result.
///
/// ```swift
/// let sane = AssetCheck("no_impossible_temperatures", on: dailyHighs, blocking: true) { _, highs in
///     CheckResult(passed: highs.allSatisfy { $0.maxTmpf < 140 })
/// }
/// ```
public struct AssetCheck: Sendable {
    /// The check's declaration: name, description, severity, blocking.
    public let spec: AssetCheckSpec
    /// The checked asset.
    public let assetKey: AssetKey
    /// Where the check was written.
    public let location: SourceLocation
    /// The resources the check uses.
    public let resourceKeys: [AnyResourceKey]
    /// Loads the asset's value and evaluates the check.
    let body: @Sendable (any StepIO) async throws -> CheckResult

    /// Defines a check on `asset`, which receives the asset's stored value.
    public init<Target: AssetReference>(
        _ name: String,
        on asset: Target,
        description: String? = nil,
        severity: CheckSeverity = .error,
        blocking: Bool = false,
        resources: [any ResourceKeyConvertible] = [],
        file: String = #fileID,
        line: Int = #line,
        check: @escaping @Sendable (AssetContext, Target.Value) async throws -> CheckResult
    ) {
        spec = AssetCheckSpec(name, description: description, severity: severity, blocking: blocking)
        assetKey = asset.key
        location = SourceLocation(file: file, line: line)
        resourceKeys = resources.map(\.erased)
        body = { step in try await check(step.context, try await step.load(asset)) }
    }

    /// The check's key: the asset and the name.
    public var key: CheckKey { CheckKey(assetKey: assetKey, name: spec.name) }

    /// The step key of the check in runs: `<asset step>:<check name>`.
    var stepName: String { "\(AssetsDefinition.stepName(for: assetKey)):\(spec.name)" }
}

extension AssetCheck {
    /// Defines a check on the asset `key` that evaluates the data where it lives instead of
    /// loading the asset's value, such as a dbt test on a dbt source.
    public init(
        _ name: String,
        asset key: AssetKey,
        description: String? = nil,
        severity: CheckSeverity = .error,
        blocking: Bool = false,
        file: String = #fileID,
        line: Int = #line,
        check: @escaping @Sendable (AssetContext) async throws -> CheckResult
    ) {
        spec = AssetCheckSpec(name, description: description, severity: severity, blocking: blocking)
        assetKey = key
        location = SourceLocation(file: file, line: line)
        resourceKeys = []
        body = { step in try await check(step.context) }
    }
}
