import Foundation

/// A request to materialize a selection of assets over many partitions, carried out as runs
/// tagged `dagster/backfill=<id>`.
public struct Backfill: Hashable, Sendable, Codable, Identifiable {
    /// The backfill's identifier.
    public let id: BackfillID
    /// Where it is in its life.
    public var status: BackfillStatus
    /// When it was requested.
    public var createdAt: Date
    /// When its last run ended or it was canceled.
    public var endedAt: Date?
    /// The asset selection it was launched with.
    public var selection: String
    /// The assets it materializes.
    public var assetKeys: [AssetKey]
    /// The partitions it was asked for, as written (`all`, `2024-01-01...2024-01-31`, `missing`).
    public var partitionSelection: String
    /// How many partitions of the assets' partitions it targets.
    public var partitionCount: Int
    /// How many runs it made.
    public var runCount: Int
    /// Labels added to each of its runs.
    public var tags: [String: String]
    /// The run config of each of its runs, if any.
    public var runConfig: JSONValue?
    /// Why it failed, when it did.
    public var error: String?
    /// How many of its runs may execute at once, whoever drives it (`backfill launch --no-drive`,
    /// then the daemon or `backfill resume`); `nil`: the driver's own limit.
    public var maxConcurrentRuns: Int?
    /// What its planning found worth saying: upstream partitions its partitions depend on that do
    /// not exist, a sentence per asset and upstream asset.
    public var notes: [String]

    /// Creates a backfill record.
    public init(
        id: BackfillID = .random(), status: BackfillStatus = .requested, createdAt: Date = Date(),
        endedAt: Date? = nil, selection: String, assetKeys: [AssetKey], partitionSelection: String,
        partitionCount: Int, runCount: Int, tags: [String: String] = [:], runConfig: JSONValue? = nil,
        error: String? = nil, maxConcurrentRuns: Int? = nil, notes: [String] = []
    ) {
        self.id = id
        self.status = status
        self.createdAt = createdAt
        self.endedAt = endedAt
        self.selection = selection
        self.assetKeys = assetKeys
        self.partitionSelection = partitionSelection
        self.partitionCount = partitionCount
        self.runCount = runCount
        self.tags = tags
        self.runConfig = runConfig
        self.error = error
        self.maxConcurrentRuns = maxConcurrentRuns
        self.notes = notes
    }

    /// The tag that marks the runs of a backfill, as in Dagster.
    public static let tag = "dagster/backfill"
}

/// Where a backfill is in its life, with Dagster's names.
public enum BackfillStatus: String, Hashable, Sendable, Codable, CaseIterable {
    /// Its runs are being launched.
    case requested = "REQUESTED"
    /// Every run succeeded.
    case completedSuccess = "COMPLETED_SUCCESS"
    /// Every run ended, some of them in failure.
    case completedFailed = "COMPLETED_FAILED"
    /// It could not be carried out.
    case failed = "FAILED"
    /// Asked to stop; running runs are finishing.
    case canceling = "CANCELING"
    /// Stopped: its queued runs were canceled.
    case canceled = "CANCELED"

    /// Whether the backfill has ended.
    public var isTerminal: Bool {
        switch self {
        case .completedSuccess, .completedFailed, .failed, .canceled: true
        case .requested, .canceling: false
        }
    }
}

/// The identifier of a backfill: eight lowercase letters, as in Dagster.
public struct BackfillID: StringIdentifier {
    /// The identifier's text.
    public let rawValue: String

    /// Wraps an identifier's text.
    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    /// A new random identifier.
    public static func random() -> BackfillID {
        BackfillID(String((0..<8).map { _ in "abcdefghijklmnopqrstuvwxyz".randomElement()! }))
    }
}
