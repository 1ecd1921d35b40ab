import Cairn

/// The run config of a dbt build: under `ops.<name>.config` (`ops.dbt.config` by default).
///
/// ```yaml
/// ops:
///   dbt:
///     config:
///       full_refresh: true
///       vars: {start_date: "2024-01-01"}
///       target: prod
/// ```
public struct DbtBuildConfig: Codable, Sendable, Hashable {
    /// Rebuild incremental models from scratch (`--full-refresh`).
    public var fullRefresh: Bool
    /// Variables for the models (`--vars`), besides the partition window's `min_date` and `max_date`.
    public var vars: [String: JSONValue]
    /// The profile's target to build into; the project's when `nil`.
    public var target: String?

    /// A build with nothing changed.
    public init(fullRefresh: Bool = false, vars: [String: JSONValue] = [:], target: String? = nil) {
        self.fullRefresh = fullRefresh
        self.vars = vars
        self.target = target
    }

    private enum CodingKeys: String, CodingKey {
        case fullRefresh = "full_refresh"
        case vars, target
    }
}
