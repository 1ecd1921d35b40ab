import Foundation

/// What a user can do to an instance, whichever face they use (the CLI, a page, GraphQL): launch
/// and re-execute runs, terminate them, launch, drive, cancel and retry backfills, start and stop
/// schedules and sensors, add and delete dynamic partitions, set pool limits. Each operation is
/// written once, here; the faces parse input and render output. Refusals are `UserError`s.
///
/// ```swift
/// let operations = InstanceOperations(definitions: definitions, storage: storage, launchedBy: "cli")
/// let run = try await operations.queueRun(.selection("group:weather"))
/// ```
public struct InstanceOperations: Sendable {
    /// The code location's definitions.
    public let definitions: Definitions
    /// Where runs, events and states are stored.
    public let storage: any InstanceStorage
    /// The IO manager of assets whose definitions name none, for runs executed in this process.
    public let defaultIOManager: any IOManager
    /// Who launches, as the `cairn/launched_by` tag of new runs: `cli`, `web`.
    public let launchedBy: String
    /// Called once runs were queued, so that a run queue in this process launches them at once.
    public let runsQueued: @Sendable () -> Void
    /// The current time.
    public let now: @Sendable () -> Date
    /// The environment variables resources read, and `CAIRN_ENV`, for runs executed in this process.
    public let environment: [String: String]

    /// The tag naming who launched a run.
    public static let launchedByTag = "cairn/launched_by"
    /// The tag of a backfill that retries the partitions another backfill did not succeed in.
    public static let retriedBackfillTag = "cairn/retried_backfill"

    /// Creates the operations over one code location and its storage.
    public init(
        definitions: Definitions, storage: any InstanceStorage, defaultIOManager: any IOManager = MemoryIOManager(),
        launchedBy: String, runsQueued: @escaping @Sendable () -> Void = {},
        now: @escaping @Sendable () -> Date = { Date() },
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.definitions = definitions
        self.storage = storage
        self.defaultIOManager = defaultIOManager
        self.launchedBy = launchedBy
        self.runsQueued = runsQueued
        self.now = now
        self.environment = environment
    }

    /// The planner of the code location's runs.
    var planner: RunPlanner { RunPlanner(definitions: definitions) }

    /// The tags of a run or backfill launched here: who launched it is this face, whatever the
    /// given tags (a retried backfill's, a user's) say.
    func launchTags(_ tags: [String: String]) -> [String: String] {
        tags.merging([Self.launchedByTag: launchedBy]) { _, face in face }
    }
}
