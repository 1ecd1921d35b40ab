/// Which partitions a backfill targets, as written on the command line: `all`, `missing`,
/// `failed`, a range `2024-01-01...2024-01-31`, or keys separated by commas.
public enum PartitionSelection: Hashable, Sendable, CustomStringConvertible {
    /// Every partition that exists.
    case all
    /// Partitions never materialized successfully.
    case missing
    /// Partitions whose latest attempt failed.
    case failed
    /// The partitions from one key to another, both included.
    case range(PartitionKeyRange)
    /// The listed partitions.
    case keys([PartitionKey])

    /// Parses the written form.
    public init(parsing text: String) {
        switch text {
        case "all": self = .all
        case "missing": self = .missing
        case "failed": self = .failed
        default:
            if text.contains("..."), let range = PartitionKeyRange(parsing: text) {
                self = .range(range)
            } else {
                self = .keys(text.split(separator: ",").map { PartitionKey(String($0)) })
            }
        }
    }

    /// The written form.
    public var description: String {
        switch self {
        case .all: "all"
        case .missing: "missing"
        case .failed: "failed"
        case .range(let range): range.description
        case .keys(let keys): keys.map(\.rawValue).joined(separator: ",")
        }
    }
}
