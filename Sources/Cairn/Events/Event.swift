import Foundation

/// One entry of a run's structured event stream, before or after it is stored.
public struct Event: Hashable, Sendable, Codable {
    /// The kind of event.
    public var type: EventType
    /// The run it belongs to.
    public var runID: RunID
    /// When it happened.
    public var timestamp: Date
    /// The step it concerns, if any.
    public var stepKey: String?
    /// The asset it concerns, if any.
    public var assetKey: AssetKey?
    /// The partition of the asset it concerns, if the asset is partitioned.
    public var partition: PartitionKey?
    /// How important it is.
    public var level: LogLevel
    /// A human-readable message.
    public var message: String
    /// Structured metadata: a materialization's values, an output's path.
    public var metadata: Metadata
    /// The error, for failures.
    public var error: ErrorInfo?
    /// The version of the data, for materializations and observations.
    public var dataVersion: String?
    /// What the data was computed from, for materializations.
    public var provenance: DataProvenance?
    /// The result, for ASSET_CHECK_EVALUATION events.
    public var checkEvaluation: CheckEvaluation?

    /// Creates an event.
    public init(
        _ type: EventType,
        runID: RunID,
        timestamp: Date = Date(),
        stepKey: String? = nil,
        assetKey: AssetKey? = nil,
        partition: PartitionKey? = nil,
        level: LogLevel = .info,
        message: String = "",
        metadata: Metadata = [:],
        error: ErrorInfo? = nil,
        dataVersion: String? = nil,
        provenance: DataProvenance? = nil,
        checkEvaluation: CheckEvaluation? = nil
    ) {
        self.type = type
        self.runID = runID
        self.timestamp = timestamp
        self.stepKey = stepKey
        self.assetKey = assetKey
        self.partition = partition
        self.level = level
        self.message = message
        self.metadata = metadata
        self.error = error
        self.dataVersion = dataVersion
        self.provenance = provenance
        self.checkEvaluation = checkEvaluation
    }
}

/// What a materialization was computed from: the code version of its asset and the data
/// versions of its inputs, so later changes to either show the asset as stale.
public struct DataProvenance: Hashable, Sendable, Codable {
    /// The asset's code version when it was materialized.
    public var codeVersion: String?
    /// The data version of each upstream asset, by its written key.
    public var inputDataVersions: [String: String]

    /// Creates a provenance record.
    public init(codeVersion: String?, inputDataVersions: [String: String]) {
        self.codeVersion = codeVersion
        self.inputDataVersions = inputDataVersions
    }
}

/// How severe a failed asset check is.
public enum CheckSeverity: String, Hashable, Sendable, Codable, CaseIterable {
    /// The data is usable but suspicious.
    case warn = "WARN"
    /// The data is wrong.
    case error = "ERROR"
}

/// The result of one asset check, as stored in its ASSET_CHECK_EVALUATION event.
public struct CheckEvaluation: Hashable, Sendable, Codable {
    /// The check's name, unique per asset.
    public var checkName: String
    /// Whether the data passed.
    public var passed: Bool
    /// How severe a failure is.
    public var severity: CheckSeverity
    /// Whether a failure stops the asset's downstream assets in the same run.
    public var blocking: Bool
    /// What the check found, for people.
    public var description: String?

    /// Creates a check result record.
    public init(checkName: String, passed: Bool, severity: CheckSeverity, blocking: Bool, description: String? = nil) {
        self.checkName = checkName
        self.passed = passed
        self.severity = severity
        self.blocking = blocking
        self.description = description
    }
}

/// The importance of an event or a log message.
public enum LogLevel: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// Details for debugging.
    case debug = "DEBUG"
    /// Normal progress.
    case info = "INFO"
    /// Something unexpected that did not stop the work.
    case warning = "WARNING"
    /// A failure.
    case error = "ERROR"
    /// A failure that stops everything.
    case critical = "CRITICAL"

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// Orders levels from least to most important.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// An error as stored in the event log: its type, message and where it came from.
public struct ErrorInfo: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The Swift type of the error.
    public var type: String
    /// What went wrong.
    public var message: String
    /// Where it was thrown, or a captured stack, when known.
    public var stack: [String]

    /// Creates error information.
    public init(type: String, message: String, stack: [String] = []) {
        self.type = type
        self.message = message
        self.stack = stack
    }

    /// Describes any Swift error; a `StructuredError` describes itself.
    public init(_ error: any Error) {
        if let structured = error as? any StructuredError {
            self = structured.errorInfo
        } else {
            self.init(type: String(reflecting: Swift.type(of: error)), message: String(describing: error))
        }
    }

    /// `Type: message`.
    public var description: String { "\(type): \(message)" }
}
