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
    /// How many times the step failed before this attempt: 0 on the first try.
    public let retryNumber: Int
    /// The name of the run's job (`Run.assetJobName` for a run of an asset selection); `nil` when
    /// the step runs outside a stored run.
    public let jobName: String?
    /// The graph the step belongs to, for the code versions of its assets.
    private let graph: AssetGraph?
    /// Where earlier materializations of the step's assets are read.
    private let eventLog: (any EventLogStorage)?
    /// Where the step's events go until the executor records them.
    private let events: EventCollector
    /// The resources the asset declared, set up for the run.
    private let resources: Resources?
    /// The step's run config, validated before the run started.
    private let stepConfig: (any Sendable)?
    /// The partitions the step materializes, when its assets are partitioned.
    let partitionTarget: PartitionTarget?

    private let metadata = Mutex<[AssetKey: Metadata]>([:])
    private let dataVersions = Mutex<[AssetKey: String]>([:])
    private let materializedVersions = Mutex<[AssetKey: String]>([:])
    private let reportedChecks = Mutex<[(key: CheckKey, result: CheckResult)]>([])

    init(
        runID: RunID, stepKey: String, assetKeys: [AssetKey], retryNumber: Int = 0, jobName: String? = nil,
        graph: AssetGraph? = nil, eventLog: (any EventLogStorage)? = nil, resources: Resources? = nil,
        config: (any Sendable)? = nil, partitionTarget: PartitionTarget? = nil, events: EventCollector
    ) {
        self.jobName = jobName
        self.graph = graph
        self.eventLog = eventLog
        self.events = events
        self.stepConfig = config
        self.partitionTarget = partitionTarget
        self.runID = runID
        self.stepKey = stepKey
        self.assetKeys = assetKeys
        self.retryNumber = retryNumber
        self.resources = resources
        self.log = Logger(label: stepKey) { _ in
            StepLogHandler(runID: runID, stepKey: stepKey, events: events)
        }
    }

    /// The asset being computed (the first output of a multi-asset).
    public var assetKey: AssetKey { assetKeys[0] }

    /// The code version an asset of the step declares, if any.
    public func codeVersion(of key: AssetKey) -> String? {
        graph?[key]?.spec.codeVersion
    }

    /// The latest stored materializations of the step's assets (of `keys`), before this run's:
    /// their data versions and provenance.
    public func previousMaterializations(of keys: [AssetKey]? = nil) async throws -> [AssetKey: EventRecord] {
        guard let eventLog else { return [:] }
        return try await eventLog.latestMaterializations(of: keys ?? assetKeys)
    }

    /// Records output that an external process of the step wrote, as a LOGS_CAPTURED event: the
    /// run page shows it per step beside the step's logs.
    public func recordCapturedOutput(_ text: String, stream: CapturedStream) {
        events.add(
            Event(
                .logsCaptured, runID: runID, stepKey: stepKey, level: stream == .stderr ? .warning : .info,
                message: text, metadata: ["stream": .text(stream.rawValue)]))
    }

    /// Records a message of the engine about the step (ENGINE_EVENT), such as an external
    /// process that did not close its Pipes session.
    public func recordEngineEvent(_ message: String, level: LogLevel = .info, metadata: Metadata = [:]) {
        events.add(
            Event(.engineEvent, runID: runID, stepKey: stepKey, level: level, message: message, metadata: metadata))
    }

    /// Adds metadata to the materialization of every asset the step produces.
    public func addMetadata(_ entries: Metadata) {
        for key in assetKeys { addMetadata(entries, for: key) }
    }

    /// Adds metadata to the materialization of one output of a multi-asset.
    public func addMetadata(_ entries: Metadata, for key: AssetKey) {
        metadata.withLock { $0[key, default: [:]].merge(entries) }
    }

    /// The instance of a resource the asset declared in `resources:`, set up for this run.
    ///
    /// ```swift
    /// let connection = try context.resource(database)
    /// ```
    public func resource<R: Resource>(_ key: ResourceKey<R>) throws(ResourceError) -> R.Instance {
        guard let resources else { throw .notDeclared(key.erased, user: "step '\(stepKey)'", declared: []) }
        return try resources.instance(key)
    }

    /// The run config of the step, as the asset declared it with `config:`.
    ///
    /// ```swift
    /// let thresholds = try context.config(SegmentThresholds.self)
    /// ```
    public func config<Config: Sendable>(_ type: Config.Type = Config.self) throws -> Config {
        guard let stepConfig else {
            throw ConfigError(
                path: ["ops", stepKey, "config"],
                message: "the step takes no config; declare it with Asset(..., config: .defaults(\(Config.self)(...)))")
        }
        guard let config = stepConfig as? Config else {
            throw ConfigError(
                path: ["ops", stepKey, "config"],
                message: "the step's config is a \(Swift.type(of: stepConfig)), not a \(Config.self)")
        }
        return config
    }

    /// Whether the step materializes partitions of its assets.
    public var isPartitioned: Bool { partitionTarget != nil }

    /// The partition being materialized.
    ///
    /// - Throws: `PartitionsError.partitionMismatch` when the asset is not partitioned, or the run
    ///   covers a range of several partitions (read `partitionKeyRange` then).
    public var partitionKey: PartitionKey {
        get throws(PartitionsError) {
            let target = try requireTarget()
            guard target.keys.count == 1 else {
                throw .partitionMismatch(
                    "step '\(stepKey)' materializes the \(target.keys.count) partitions \(target.range) in one run; "
                        + "read context.partitionKeyRange or context.partitionKeys instead of context.partitionKey")
            }
            return target.keys[0]
        }
    }

    /// The first and last partitions being materialized: the same key when there is one.
    public var partitionKeyRange: PartitionKeyRange {
        get throws(PartitionsError) { try requireTarget().range }
    }

    /// Every partition being materialized, in order.
    public var partitionKeys: [PartitionKey] {
        get throws(PartitionsError) { try requireTarget().keys }
    }

    /// The time window of the partitions being materialized, from the start of the first to the
    /// end of the last.
    ///
    /// - Throws: when the asset is not partitioned by time.
    public var partitionTimeWindow: TimeWindow {
        get throws(PartitionsError) {
            guard let window = try requireTarget().timeWindow else {
                throw .partitionMismatch(
                    "asset '\(assetKey)' is not partitioned by time windows, so it has no time window")
            }
            return window
        }
    }

    private func requireTarget() throws(PartitionsError) -> PartitionTarget {
        guard let partitionTarget else {
            throw .partitionMismatch(
                "asset '\(assetKey)' is not partitioned; give it `partitions:` to read its partition key")
        }
        return partitionTarget
    }

    /// Reports the result of a check the asset declares in `checks:`, evaluated inside its compute
    /// function; for a multi-asset, of the first output unless `asset` names another.
    ///
    /// The evaluation is recorded at once when the asset declares the check; the step fails at
    /// its end when it reported a check its assets do not declare.
    public func report(_ result: CheckResult, for checkName: String, asset: AssetKey? = nil) {
        let key = CheckKey(assetKey: asset ?? assetKey, name: checkName)
        reportedChecks.withLock { $0.append((key, result)) }
        if assetKeys.contains(key.assetKey),
            let spec = graph?[key.assetKey]?.spec.checks.first(where: { $0.name == checkName })
        {
            events.add(.checkEvaluation(spec, key: key, result: result, runID: runID, stepKey: stepKey))
        }
    }

    /// The check results reported so far, in order.
    func checkReports() -> [(key: CheckKey, result: CheckResult)] {
        reportedChecks.withLock { $0 }
    }

    /// Sets the data version of the asset's new value (of `asset` for a multi-asset output),
    /// instead of the hash Cairn derives from the stored value: for example a table's
    /// modification time, or a version the source system gives.
    public func setDataVersion(_ version: String, for asset: AssetKey? = nil) {
        dataVersions.withLock { $0[asset ?? assetKey] = version }
    }

    /// Notes the data version an asset of the step was materialized with.
    func rememberMaterialized(_ key: AssetKey, dataVersion: String) {
        materializedVersions.withLock { $0[key] = dataVersion }
    }

    /// The data version an asset of the step was materialized with earlier in the step, if it was.
    func materializedDataVersion(of key: AssetKey) -> String? {
        materializedVersions.withLock { $0[key] }
    }

    /// The data version the compute function set for an asset, if any.
    func chosenDataVersion(for key: AssetKey) -> String? {
        dataVersions.withLock { $0[key] }
    }

    /// The metadata added so far for an asset of the step.
    public func addedMetadata(for key: AssetKey) -> Metadata {
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
