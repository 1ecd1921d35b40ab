/// A check an asset evaluates itself, inside its compute function, with `context.report(_:for:)`.
///
/// ```swift
/// let cleaned = Asset("cleaned_customers", checks: [AssetCheckSpec("no_null_ids", blocking: true)], from: raw) { context, rows in
///     context.report(CheckResult(passed: rows.allSatisfy { $0.id != nil }), for: "no_null_ids")
///     return rows
/// }
/// ```
public struct AssetCheckSpec: Sendable, Hashable {
    /// The check's name, unique among the asset's checks.
    public var name: String
    /// What the check verifies.
    public var description: String?
    /// How severe a failure is.
    public var severity: CheckSeverity
    /// Whether a failure stops the asset's downstream assets in the same run.
    public var blocking: Bool

    /// Declares a check.
    public init(_ name: String, description: String? = nil, severity: CheckSeverity = .error, blocking: Bool = false) {
        self.name = name
        self.description = description
        self.severity = severity
        self.blocking = blocking
    }
}
