import Foundation

/// Evaluates the automation conditions of a code location's assets, one tick at a time, from the
/// events stored since the previous tick's cursor.
///
/// A tick reads only the new events, and evaluates only the assets whose result can have
/// changed: those with new events on themselves or their dependencies, those whose cron ticked,
/// those requested or in progress at the previous tick (or whose dependencies were requested),
/// those whose partitions changed, those never evaluated, and those downstream of an asset
/// requested in the same tick. The others keep their stored result.
///
/// ```swift
/// let evaluator = try AutomationEvaluator(definitions: definitions)
/// let result = try await evaluator.evaluate(cursor: try await storage.automationCursor(), storage: storage, now: Date())
/// _ = try await storage.storeAutomationTick(result.tick)
/// ```
public struct AutomationEvaluator: Sendable {
    /// The storage roles an evaluation uses: the automation cursor and ticks, runs, events,
    /// partition status and dynamic partitions.
    public typealias Storage = AutomationStorage & RunStorage & EventLogStorage & PartitionStatusStorage
        & DynamicPartitionsStorage

    /// The tag of runs requested by automation conditions, as in Dagster.
    public static let runTag = "dagster/from_automation_condition"

    /// The validated asset graph.
    public let graph: AssetGraph
    /// The indices of the assets with a condition, upstream first.
    public let conditionedNodes: [Int]
    /// The parsed cron schedules of the conditions, by `cron@timeZone`.
    let crons: [String: CronSchedule]
    /// A digest of each conditioned asset's condition, by node index.
    let digests: [Int: String]
    /// The keys in `crons` of each conditioned asset's crons, by node index, for those with any.
    let cronKeys: [Int: [String]]

    /// The event types that change what automation knows of an asset.
    static let eventTypes: Set<EventType> = [
        .assetMaterialization, .assetMaterializationPlanned, .assetFailedToMaterialize, .assetObservation,
        .runStart, .runSuccess, .runFailure, .runCanceled,
    ]

    /// How many events a tick reads per query.
    static let eventPageSize = 10_000

    /// Prepares the evaluation of `definitions`' conditions.
    ///
    /// - Throws: `DefinitionsError` when the definitions are invalid, bad crons included.
    public init(definitions: Definitions) throws(DefinitionsError) {
        graph = try definitions.assetGraph
        var conditioned: [Int] = []
        var crons: [String: CronSchedule] = [:]
        var digests: [Int: String] = [:]
        var cronKeys: [Int: [String]] = [:]
        var digestOf: [AutomationCondition: String] = [:]
        for (index, node) in graph.nodes.enumerated() {
            guard let condition = node.spec.automationCondition else { continue }
            conditioned.append(index)
            if digestOf[condition] == nil {
                digestOf[condition] = DataVersion.hash(Data(String(describing: condition).utf8))
            }
            digests[index] = digestOf[condition]
            for (cron, timeZone) in condition.cronSchedules {
                let key = Self.cronKey(cron, timeZone)
                crons[key] = try? AutomationCondition.cronSchedule(cron, timeZone: timeZone)
                if !(cronKeys[index]?.contains(key) ?? false) { cronKeys[index, default: []].append(key) }
            }
        }
        conditionedNodes = conditioned
        self.crons = crons
        self.digests = digests
        self.cronKeys = cronKeys
    }

    /// The key of a cron schedule in `crons`.
    static func cronKey(_ cron: String, _ timeZone: String) -> String { "\(cron)@\(timeZone)" }

    /// The latest tick of `cron` at or before `now`.
    static func latestTick(of cron: CronSchedule, atOrBefore now: Date) -> Date {
        let previous = cron.previousTick(before: now)
        let next = cron.nextTick(after: previous)
        return next <= now ? next : previous
    }

    /// Evaluates one tick: applies the events after `cursor`, evaluates the assets whose result can
    /// have changed, and returns what to store: the new cursor, the evaluations, and the runs of
    /// the requests (queued, one per partition, one for all unpartitioned assets).
    ///
    /// - Throws: storage errors.
    public func evaluate(cursor: AutomationCursor, storage: any Storage, now: Date) async throws
        -> AutomationResult
    {
        let tick = AutomationTickState(states: graph.nodes.map { cursor.assets[$0.key] ?? AutomationAssetState() })
        var applied = try await applyEvents(after: cursor.lastEventID, to: tick, storage: storage)
        var runTargets: [RunID: Set<AssetKey>] = [:]
        for runID in applied.newRuns {
            if let run = try await storage.run(runID) { runTargets[runID] = Set(run.assetKeys) }
        }
        let spaces = try await partitionSpaces(storage: storage, now: now)
        var (evaluations, requests, evaluatedCount) = evaluateConditions(
            tick, cursor: cursor, applied: &applied, runTargets: runTargets, spaces: spaces, now: now)
        let runs = Self.runs(for: requests, now: now)
        assign(runs, to: &evaluations, tick: tick)

        var next = cursor
        next.evaluationID += 1
        next.lastEventID = applied.lastEventID
        next.evaluatedAt = now
        var changedAssets = Set<AssetKey>()
        for index in graph.nodes.indices where applied.changed[index] {
            next.assets[graph.nodes[index].key] = tick.states[index]
            changedAssets.insert(graph.nodes[index].key)
        }
        return AutomationResult(
            tick: AutomationTick(
                previousEvaluationID: cursor.evaluationID, cursor: next, changedAssets: changedAssets,
                evaluations: evaluations, runs: runs.map(\.run)),
            requests: requests, evaluatedAssetCount: evaluatedCount)
    }

    /// What applying the events since the last tick found.
    private struct AppliedEvents {
        /// Whether each asset's state changed, and must be stored.
        var changed: [Bool]
        /// Whether each asset was materialized, observed anew, or its runs in progress changed.
        var updated: [Bool]
        /// The runs that materialized or observed an asset.
        var newRuns: Set<RunID> = []
        /// The id of the last event applied.
        var lastEventID: Int64?

        /// Marks the asset at `index` changed and updated.
        mutating func mark(_ index: Int) {
            changed[index] = true
            updated[index] = true
        }
    }

    /// Applies the events after `cursor` to the assets' states: updates, runs in progress, runs ended.
    private func applyEvents(after cursor: Int64?, to tick: AutomationTickState, storage: any Storage) async throws
        -> AppliedEvents
    {
        var applied = AppliedEvents(
            changed: [Bool](repeating: false, count: graph.nodes.count),
            updated: [Bool](repeating: false, count: graph.nodes.count), lastEventID: cursor)
        var inProgressNodes = Set(tick.states.indices.filter { !tick.states[$0].inProgress.isEmpty })
        var startedRuns: [RunID] = []
        var endedRuns = Set<RunID>()
        while true {
            let page = try await storage.events(
                after: applied.lastEventID, types: Self.eventTypes, limit: Self.eventPageSize)
            for record in page {
                let event = record.event
                if event.type == .runStart {
                    startedRuns.append(event.runID)
                    continue
                }
                if event.type.runStatus?.isTerminal == true {
                    endedRuns.insert(event.runID)
                    for index in inProgressNodes {
                        let ended = tick.states[index].inProgress.filter { $0.value == event.runID }.keys
                        guard !ended.isEmpty else { continue }
                        for partition in ended { tick.states[index].inProgress[partition] = nil }
                        applied.mark(index)
                    }
                    inProgressNodes = inProgressNodes.filter { !tick.states[$0].inProgress.isEmpty }
                    continue
                }
                guard let key = event.assetKey, let index = graph.index(of: key) else { continue }
                let partition = event.partition?.rawValue ?? ""
                switch event.type {
                case .assetMaterialization:
                    tick.states[index].updates[partition] = .init(
                        eventID: record.id, runID: event.runID, timestamp: event.timestamp,
                        dataVersion: event.dataVersion)
                    if tick.states[index].inProgress[partition] == event.runID {
                        tick.states[index].inProgress[partition] = nil
                    }
                    applied.newRuns.insert(event.runID)
                case .assetMaterializationPlanned:
                    tick.states[index].inProgress[partition] = event.runID
                    inProgressNodes.insert(index)
                case .assetFailedToMaterialize:
                    if tick.states[index].inProgress[partition] == event.runID {
                        tick.states[index].inProgress[partition] = nil
                    }
                case .assetObservation:
                    guard graph.nodes[index].isSource,
                        tick.states[index].updates[partition]?.dataVersion != event.dataVersion
                    else { continue }
                    tick.states[index].updates[partition] = .init(
                        eventID: record.id, runID: event.runID, timestamp: event.timestamp,
                        dataVersion: event.dataVersion)
                    applied.newRuns.insert(event.runID)
                default:
                    continue
                }
                applied.mark(index)
            }
            applied.lastEventID = page.last?.id ?? applied.lastEventID
            if page.count < Self.eventPageSize { break }
        }
        // Unpartitioned runs plan nothing: the assets of a run started and not ended are in progress,
        // except those it already materialized. Only the runs still going are read.
        for runID in startedRuns where !endedRuns.contains(runID) {
            guard let run = try await storage.run(runID), run.partitionRange == nil else { continue }
            for key in run.assetKeys {
                guard let index = graph.index(of: key), !graph.nodes[index].isSource,
                    tick.states[index].updates[""]?.runID != run.id
                else { continue }
                tick.states[index].inProgress[""] = run.id
                inProgressNodes.insert(index)
                applied.mark(index)
            }
        }

        return applied
    }

    /// Evaluates the condition of each asset whose result can have changed since the last tick,
    /// recording what it requests in `tick`.
    ///
    /// - Returns: the evaluations to store, the requests, and how many assets were evaluated.
    private func evaluateConditions(
        _ tick: AutomationTickState, cursor: AutomationCursor, applied: inout AppliedEvents,
        runTargets: [RunID: Set<AssetKey>], spaces: AutomationPartitions, now: Date
    ) -> (evaluations: [AutomationEvaluation], requests: [AutomationRequest], evaluatedCount: Int) {
        let requestedBefore = tick.states.map { !$0.requested.isEmpty }
        var evaluations: [AutomationEvaluation] = []
        var requests: [AutomationRequest] = []
        var evaluatedCount = 0
        for index in conditionedNodes {
            // The state's fields are read in place: copying 10,000 states per tick would retain all
            // of their contents.
            let candidates = spaces.candidates(of: graph.nodes[index].spec.partitions)
            let candidatesText = Self.describe(candidates)
            let isInitial = tick.states[index].conditionDigest != digests[index]
            let affected =
                isInitial || tick.states[index].candidates != candidatesText || applied.updated[index]
                || requestedBefore[index] || !tick.states[index].inProgress.isEmpty
                || cronTicked(index, after: tick.states[index].evaluatedAt, now: now)
                || graph.parents[index].contains {
                    applied.updated[$0] || requestedBefore[$0] || !tick.requestedNow[$0].isEmpty
                }
            guard affected else { continue }
            let condition = graph.nodes[index].spec.automationCondition!
            let previousResult = tick.states[index].resultDigest
            var evaluation = ConditionEvaluation(
                graph: graph, root: index, tick: tick, spaces: spaces,
                crons: crons, runTargets: runTargets,
                previousEventID: cursor.evaluationID == 0 ? nil : cursor.lastEventID,
                isInitialCursor: cursor.evaluationID == 0, isInitialEvaluation: isInitial, now: now)
            let subjects = candidates.map { ConditionEvaluation.Subject(node: index, partition: $0) }
            let outcome = evaluation.evaluate(
                condition, path: "0", subjects: subjects, mask: [Bool](repeating: true, count: subjects.count))
            let memory = evaluation.memory
            var requested: Set<String> = []
            var requestedPartitions: [PartitionKey] = []
            for (position, subject) in subjects.enumerated() where outcome.values[position] {
                requested.insert(subject.id)
                if let partition = subject.partition { requestedPartitions.append(partition) }
                requests.append(AutomationRequest(assetKey: graph.nodes[index].key, partition: subject.partition))
            }
            tick.requestedNow[index] = requested
            let resultDigest = outcome.node.resultDigest
            let changedResult = isInitial || previousResult != resultDigest
            tick.states[index].conditionDigest = digests[index]
            tick.states[index].evaluatedAt = now
            tick.states[index].requested = requested
            tick.states[index].candidates = candidatesText
            tick.states[index].memory = memory
            tick.states[index].resultDigest = resultDigest
            applied.changed[index] = true
            evaluatedCount += 1
            // As Dagster, an evaluation is stored only when some node's outcome changed, or it requests.
            guard changedResult || !requested.isEmpty else { continue }
            evaluations.append(
                AutomationEvaluation(
                    assetKey: graph.nodes[index].key, evaluationID: cursor.evaluationID + 1, timestamp: now,
                    requested: !requested.isEmpty, requestedPartitions: requestedPartitions, condition: outcome.node))
        }

        return (evaluations, requests, evaluatedCount)
    }

    /// Records the runs of the requests as the assets' runs in progress and in the evaluations
    /// that requested them.
    private func assign(
        _ runs: [(run: Run, requests: [AutomationRequest])], to evaluations: inout [AutomationEvaluation],
        tick: AutomationTickState
    ) {
        var runOfRequest: [AutomationRequest: RunID] = [:]
        for (run, runRequests) in runs {
            for request in runRequests {
                runOfRequest[request] = run.id
                let index = graph.index(of: request.assetKey)!
                tick.states[index].inProgress[request.partition?.rawValue ?? ""] = run.id
            }
        }
        for position in evaluations.indices where evaluations[position].requested {
            let key = evaluations[position].assetKey
            let partitions: [PartitionKey?] =
                evaluations[position].requestedPartitions.isEmpty
                ? [nil] : evaluations[position].requestedPartitions
            var ids: [RunID] = []
            for partition in partitions {
                if let id = runOfRequest[AutomationRequest(assetKey: key, partition: partition)], !ids.contains(id) {
                    ids.append(id)
                }
            }
            evaluations[position].runIDs = ids
        }
    }

    /// Whether a tick of one of the crons of the condition of the asset at `index` passed after
    /// `previous` (never before a first evaluation).
    private func cronTicked(_ index: Int, after previous: Date?, now: Date) -> Bool {
        guard let previous, let keys = cronKeys[index] else { return false }
        return keys.contains { key in
            guard let schedule = crons[key] else { return false }
            return Self.latestTick(of: schedule, atOrBefore: now) > previous
        }
    }

    /// The partitions of every partitioned asset with a condition and of their dependencies, at `now`.
    private func partitionSpaces(storage: any Storage, now: Date) async throws -> AutomationPartitions {
        var spaces: [PartitionsDefinition: PartitionSpace] = [:]
        var latestWindows: [PartitionsDefinition: [PartitionKey]] = [:]
        for index in conditionedNodes {
            for node in [index] + graph.parents[index] {
                guard let definition = graph.nodes[node].spec.partitions, spaces[definition] == nil else { continue }
                let space = try await PartitionSpace.resolve(definition, now: now, storage: storage)
                spaces[definition] = space
                if definition.hasTimeDimension {
                    latestWindows[definition] = AutomationPartitions.latestWindow(of: space)
                }
            }
        }
        return AutomationPartitions(spaces: spaces, latestWindows: latestWindows)
    }

    /// The candidates as one short text that changes when partitions are added or removed.
    private static func describe(_ candidates: [PartitionKey?]) -> String {
        guard let first = candidates.first, let firstKey = first else { return "" }
        return "\(candidates.count):\(firstKey):\(candidates.last!!)"
    }

    /// The queued runs of the requests: one per partition key with every asset requested for it,
    /// and one for all unpartitioned assets, tagged as Dagster tags them.
    static func runs(for requests: [AutomationRequest], now: Date) -> [(run: Run, requests: [AutomationRequest])] {
        var byPartition: [PartitionKey?: [AutomationRequest]] = [:]
        var order: [PartitionKey?] = []
        for request in requests {
            if byPartition[request.partition] == nil { order.append(request.partition) }
            byPartition[request.partition, default: []].append(request)
        }
        return order.map { partition in
            let grouped = byPartition[partition]!
            var tags = [runTag: "true"]
            if let partition {
                tags.merge(Run.partitionTags(PartitionKeyRange(partition, partition))) { _, new in new }
            }
            let run = Run(
                assetKeys: grouped.map(\.assetKey).sorted(), tags: tags, status: .queued, createdAt: now)
            return (run, grouped)
        }
    }
}
