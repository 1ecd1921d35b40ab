/// Storage of run records.
public protocol RunStorage: Sendable {
    /// Stores a new run.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run with the same id exists.
    func addRun(_ run: Run) async throws

    /// The run with this id, or `nil`.
    func run(_ id: RunID) async throws -> Run?

    /// Appends the run-level `event` (RUN_STARTING, RUN_CANCELED…) only if its run's status is
    /// one of `statuses`, atomically: how a run queue or backfill claims a queued run so that no
    /// two processes launch it. Returns the stored event, or `nil` when the run was in another status.
    ///
    /// - Throws: `StorageError.unknownRun` when no run has the event's run id.
    func transition(_ event: Event, from statuses: Set<RunStatus>) async throws -> EventRecord?

    /// Runs matching `filter`, newest first, at most `limit`, after the run `cursor` in that order.
    func runs(matching filter: RunFilter, limit: Int, after cursor: RunID?) async throws -> [Run]

    /// How many runs there are of each status and job that has any, with the creation time of
    /// the oldest of each: what `/metrics` reports as `cairn_runs` and the queue's depth and age.
    func runCounts() async throws -> [RunCount]
}

/// Which runs a query returns.
public struct RunFilter: Hashable, Sendable {
    /// Only runs with one of these statuses; all when empty.
    public var statuses: Set<RunStatus>
    /// Only runs whose id starts with this text.
    public var idPrefix: String?
    /// Only runs with all of these tags.
    public var tags: [String: String]

    /// Creates a filter; the default matches every run.
    public init(statuses: Set<RunStatus> = [], idPrefix: String? = nil, tags: [String: String] = [:]) {
        self.statuses = statuses
        self.idPrefix = idPrefix
        self.tags = tags
    }

    /// Whether a run matches.
    public func matches(_ run: Run) -> Bool {
        (statuses.isEmpty || statuses.contains(run.status))
            && (idPrefix.map { run.id.rawValue.hasPrefix($0) } ?? true)
            && tags.allSatisfy { run.tags[$0.key] == $0.value }
    }
}
