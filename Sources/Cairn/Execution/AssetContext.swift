import Foundation
import Logging
import Synchronization

/// What an asset's compute function gets besides its inputs: the run, a logger whose messages
/// become LOGS events, and a way to attach metadata to the materialization.
public final class AssetContext: Sendable {
    /// The run being executed.
    public let runID: RunID
    /// The step being executed.
    public let stepKey: String
    /// The assets the step produces: one for `Asset`, several for `MultiAsset`.
    public let assetKeys: [AssetKey]
    /// A logger whose messages are stored as LOGS events of the run.
    public let log: Logger

    private let metadata = Mutex<[AssetKey: Metadata]>([:])

    init(runID: RunID, stepKey: String, assetKeys: [AssetKey], events: EventCollector) {
        self.runID = runID
        self.stepKey = stepKey
        self.assetKeys = assetKeys
        self.log = Logger(label: stepKey) { _ in
            StepLogHandler(runID: runID, stepKey: stepKey, events: events)
        }
    }

    /// The asset being computed (the first output of a multi-asset).
    public var assetKey: AssetKey { assetKeys[0] }

    /// Adds metadata to the materialization of every asset the step produces.
    public func addMetadata(_ entries: Metadata) {
        for key in assetKeys { addMetadata(entries, for: key) }
    }

    /// Adds metadata to the materialization of one output of a multi-asset.
    public func addMetadata(_ entries: Metadata, for key: AssetKey) {
        metadata.withLock { $0[key, default: [:]].merge(entries) }
    }

    /// The metadata added so far for an asset.
    func addedMetadata(for key: AssetKey) -> Metadata {
        metadata.withLock { $0[key] ?? [:] }
    }
}

/// Collects the events a step produces until the executor appends them at the step's end.
final class EventCollector: Sendable {
    private let events = Mutex<[Event]>([])

    /// Adds an event.
    func add(_ event: Event) {
        events.withLock { $0.append(event) }
    }

    /// Removes and returns the collected events.
    func drain() -> [Event] {
        events.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }
}

/// Turns `context.log` messages into LOGS events.
struct StepLogHandler: LogHandler {
    let runID: RunID
    let stepKey: String
    let events: EventCollector
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        events.add(
            Event(
                .logs, runID: runID, stepKey: stepKey, level: LogLevel(event.level),
                message: event.message.description,
                metadata: Metadata(merged.sorted { $0.key < $1.key }.map { ($0.key, .text($0.value.description)) })))
    }
}

extension LogLevel {
    /// Maps swift-log's levels onto the event log's.
    init(_ level: Logger.Level) {
        switch level {
        case .trace, .debug: self = .debug
        case .info, .notice: self = .info
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }
}
