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
    /// How important it is.
    public var level: LogLevel
    /// A human-readable message.
    public var message: String
    /// Structured metadata: a materialization's values, an output's path.
    public var metadata: Metadata
    /// The error, for failures.
    public var error: ErrorInfo?

    /// Creates an event.
    public init(
        _ type: EventType,
        runID: RunID,
        timestamp: Date = Date(),
        stepKey: String? = nil,
        assetKey: AssetKey? = nil,
        level: LogLevel = .info,
        message: String = "",
        metadata: Metadata = [:],
        error: ErrorInfo? = nil
    ) {
        self.type = type
        self.runID = runID
        self.timestamp = timestamp
        self.stepKey = stepKey
        self.assetKey = assetKey
        self.level = level
        self.message = message
        self.metadata = metadata
        self.error = error
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

    /// Describes any Swift error.
    public init(_ error: any Error) {
        self.init(type: String(reflecting: Swift.type(of: error)), message: String(describing: error))
    }

    /// `Type: message`.
    public var description: String { "\(type): \(message)" }
}
