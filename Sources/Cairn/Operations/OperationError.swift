/// Why an operation on an instance was refused, whichever face asked for it: the CLI, a page or
/// GraphQL.
public enum OperationError: UserError, Sendable, Equatable {
    /// No run has this id.
    case unknownRun(RunID)
    /// No backfill has this id.
    case unknownBackfill(BackfillID)
    /// The backfill has not ended: its runs are still being launched.
    case backfillInProgress(BackfillID)
    /// Every run of the backfill succeeded.
    case nothingToRetry(BackfillID)
    /// No schedule has this name; the code location's schedules are listed.
    case unknownSchedule(String, known: [String])
    /// No sensor has this name; the code location's sensors are listed.
    case unknownSensor(String, known: [String])
    /// No asset's partitions use a dynamic partitions definition of this name.
    case unknownDynamicPartitions(String, known: [String])
    /// An add or delete of dynamic partitions named no key.
    case noPartitionKeys
    /// A pool has no limit of its own to delete; `limited` are the pools that have one.
    case noPoolLimit(String, limited: [String])
    /// A tag is not written `key=value`.
    case malformedTag(String)
    /// More tags, or a longer key or value, than `Run.tagLimits`; says which.
    case tagsTooLarge(String)
    /// The `cairn/max_runtime` tag of a run is not a duration (`Run.maxRuntime(parsing:)`).
    case invalidMaxRuntime(String)
    /// The server runs with `--read-only`.
    case readOnly

    /// What kind of mistake it is.
    public var kind: UserErrorKind {
        switch self {
        case .unknownRun, .unknownBackfill, .unknownSchedule, .unknownSensor, .unknownDynamicPartitions, .noPoolLimit:
            .notFound
        case .backfillInProgress, .nothingToRetry: .conflict
        case .noPartitionKeys, .malformedTag, .tagsTooLarge, .invalidMaxRuntime: .invalid
        case .readOnly: .forbidden
        }
    }

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .unknownRun(let id): "there is no run with id '\(id)'"
        case .unknownBackfill(let id): "there is no backfill with id '\(id)'"
        case .backfillInProgress(let id): "backfill \(id) is still in progress; cancel it first, or wait for it to end"
        case .nothingToRetry(let id): "every run of backfill \(id) succeeded; there is nothing to retry"
        case .unknownSchedule(let name, let known):
            "there is no schedule '\(name)'\(Self.suggestion(for: name, among: known))"
        case .unknownSensor(let name, let known):
            "there is no sensor '\(name)'\(Self.suggestion(for: name, among: known))"
        case .unknownDynamicPartitions(let name, let known):
            "no asset uses dynamic partitions named '\(name)'\(Self.suggestion(for: name, among: known))"
        case .noPartitionKeys: "give at least one partition key"
        case .malformedTag(let entry): "a tag is key=value (the value may be empty), got '\(entry)'"
        case .tagsTooLarge(let problem): problem
        case .noPoolLimit(let name, let limited):
            "pool '\(name)' has no limit to delete"
                + (NearestName.suggestion(for: name, among: limited).map { "; did you mean '\($0)'?" }
                    ?? (limited.isEmpty
                        ? "; no pool has one" : "; pools with limits: \(limited.joined(separator: ", "))"))
        case .invalidMaxRuntime(let value):
            "the tag \(Run.maxRuntimeTag) takes a number of seconds above 0, or one with a unit (90s, 30m, 2h, 1d), "
                + "at most 366 days; got '\(value.prefix(40))'"
        case .readOnly: "this Cairn server is read-only (started with --read-only); nothing can be changed through it"
        }
    }

    private static func suggestion(for name: String, among known: [String]) -> String {
        if let nearest = NearestName.suggestion(for: name, among: known) { return "; did you mean '\(nearest)'?" }
        return known.isEmpty ? "; the code location defines none" : "; known: \(known.joined(separator: ", "))"
    }
}
