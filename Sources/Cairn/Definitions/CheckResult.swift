/// What an asset check found.
///
/// ```swift
/// CheckResult(passed: highs.allSatisfy { $0.maxTmpf < 140 }, metadata: ["max": .float(maximum)])
/// ```
public struct CheckResult: Sendable, Hashable {
    /// Whether the data passed.
    public var passed: Bool
    /// A severity for this result, overriding the check's own (e.g. warn below a threshold, error above).
    public var severity: CheckSeverity?
    /// What the check found, for people.
    public var description: String?
    /// Numbers and facts behind the result, stored with the evaluation.
    public var metadata: Metadata

    /// Creates a result.
    public init(passed: Bool, severity: CheckSeverity? = nil, description: String? = nil, metadata: Metadata = [:]) {
        self.passed = passed
        self.severity = severity
        self.description = description
        self.metadata = metadata
    }
}
