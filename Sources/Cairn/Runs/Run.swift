import Foundation

/// One execution of a selection of assets, with its status and times.
public struct Run: Hashable, Sendable, Codable, Identifiable {
    /// The run's unique identifier.
    public let id: RunID
    /// The job the run executes; `__ASSET_JOB` for ad-hoc asset selections, as in Dagster.
    public var jobName: String
    /// The selection string the run was launched with, if any.
    public var selection: String?
    /// The assets the run materializes.
    public var assetKeys: [AssetKey]
    /// Free-form labels.
    public var tags: [String: String]
    /// The run's status.
    public var status: RunStatus
    /// When the run was created.
    public var createdAt: Date
    /// When the run started, once it has.
    public var startedAt: Date?
    /// When the run ended, once it has.
    public var endedAt: Date?
    /// The run config the run was launched with (`ops: {name: {config: ...}}`), if any.
    public var runConfig: JSONValue?
    /// The run this one re-executes, if any.
    public var parentRunID: RunID?
    /// The first run of the chain of re-executions this one belongs to, if any.
    public var rootRunID: RunID?

    /// The job name of runs that materialize an ad-hoc selection of assets.
    public static let assetJobName = "__ASSET_JOB"

    /// Creates a run record.
    public init(
        id: RunID = .random(),
        jobName: String = Run.assetJobName,
        selection: String? = nil,
        assetKeys: [AssetKey],
        tags: [String: String] = [:],
        status: RunStatus = .notStarted,
        createdAt: Date = Date(),
        startedAt: Date? = nil,
        endedAt: Date? = nil,
        runConfig: JSONValue? = nil,
        parentRunID: RunID? = nil,
        rootRunID: RunID? = nil
    ) {
        self.id = id
        self.jobName = jobName
        self.selection = selection
        self.assetKeys = assetKeys
        self.tags = tags
        self.status = status
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.runConfig = runConfig
        self.parentRunID = parentRunID
        self.rootRunID = rootRunID
    }

    /// How long the run took, once it has ended.
    public var duration: TimeInterval? {
        guard let startedAt, let endedAt else { return nil }
        return endedAt.timeIntervalSince(startedAt)
    }

    /// The run after a run-level event: RUN_ENQUEUED queues it, RUN_STARTING and RUN_START start
    /// it, RUN_CANCELING asks it to stop, RUN_SUCCESS, RUN_FAILURE and RUN_CANCELED end it. Every
    /// storage applies this in the transaction that appends the event. A run never moves back (a
    /// late RUN_STARTING leaves a started run started), and an ended run keeps its status.
    public func applying(_ event: Event) -> Run {
        guard !status.isTerminal, let newStatus = event.type.runStatus, newStatus.stage > status.stage else {
            return self
        }
        var run = self
        run.status = newStatus
        if newStatus == .started { run.startedAt = event.timestamp }
        if newStatus.isTerminal {
            run.endedAt = event.timestamp
            if run.startedAt == nil { run.startedAt = event.timestamp }
        }
        return run
    }
}
