extension Event {
    /// The ASSET_CHECK_EVALUATION event of a check's result.
    static func checkEvaluation(
        _ spec: AssetCheckSpec, key: CheckKey, result: CheckResult, runID: RunID, stepKey: String,
        partition: PartitionKey? = nil
    ) -> Event {
        let severity = result.severity ?? spec.severity
        let verdict = result.passed ? "passed" : "failed (\(severity.rawValue))"
        return Event(
            .assetCheckEvaluation, runID: runID, stepKey: stepKey, assetKey: key.assetKey, partition: partition,
            level: result.passed ? .info : severity == .error ? .error : .warning,
            message: "Check '\(key.name)' on '\(key.assetKey)' \(verdict)"
                + (result.description.map { ": \($0)" } ?? ""),
            metadata: result.metadata,
            checkEvaluation: CheckEvaluation(
                checkName: key.name, passed: result.passed, severity: severity, blocking: spec.blocking,
                description: result.description))
    }
}
