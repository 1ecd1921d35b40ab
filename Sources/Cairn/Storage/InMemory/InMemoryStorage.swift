import Foundation
import Synchronization

/// Storage that keeps everything in memory: for tests and in-process `materialize`.
public final class InMemoryStorage: InstanceStorage {
    /// Everything the storage holds, guarded by one lock.
    struct State {
        var runs: [RunID: Run] = [:]
        var runOrder: [RunID] = []
        /// Every event kept, in increasing order of id; pruning leaves gaps.
        var events: [EventRecord] = []
        /// The id of the newest event ever appended, 0 before the first.
        var lastEventID: Int64 = 0
        /// The ids of the events of each asset, in increasing order.
        var eventIDsByAsset: [AssetKey: [Int64]] = [:]
        var latestMaterialization: [AssetKey: EventRecord] = [:]
        var latestPartitionMaterialization: [AssetKey: [PartitionKey: EventRecord]] = [:]
        var latestObservation: [AssetKey: EventRecord] = [:]
        var latestCheckEvaluation: [AssetKey: [String: EventRecord]] = [:]
        var partitionStatus: [AssetKey: StoredPartitionStatus] = [:]
        var dynamicPartitions: [String: DynamicPartitionSet] = [:]
        var backfills: [BackfillID: Backfill] = [:]
        var backfillOrder: [BackfillID] = []
        var scheduleStates: [String: ScheduleState] = [:]
        /// The ticks of each schedule, by scheduled time.
        var scheduleTicks: [String: [Date: ScheduleTick]] = [:]
        /// The run keys used, by origin (a schedule's or sensor's name).
        var runKeys: [String: Set<String>] = [:]
        /// The latest heartbeat of each run.
        var runHeartbeats: [RunID: RunHeartbeat] = [:]
        /// The latest heartbeat of each service of each daemon.
        var daemonHeartbeats: [DaemonServiceKey: DaemonHeartbeat] = [:]
        /// The automation cursor, with every asset's state.
        var automationCursor = AutomationCursor.initial
        /// The automation evaluations of each asset, oldest first.
        var automationEvaluations: [AssetKey: [AutomationEvaluation]] = [:]
        /// Concurrency pools' limits and claims.
        var pools = PoolState()
        /// Every lease ever taken, by name.
        var leases: [String: Lease] = [:]

        /// Stores a new run.
        mutating func add(_ run: Run) throws {
            guard runs[run.id] == nil else { throw StorageError.duplicateRun(run.id) }
            runs[run.id] = run
            runOrder.append(run.id)
        }

        /// Appends events, updating runs and the indexes, after checking that every run exists.
        mutating func append(_ events: [Event]) throws -> [EventRecord] {
            var ended: [RunID: RunStatus] = [:]
            for event in events {
                guard let run = runs[event.runID] else { throw StorageError.unknownRun(event.runID) }
                if let status = ended[event.runID] ?? (run.status.isTerminal ? run.status : nil) {
                    throw StorageError.runEnded(event.runID, status)
                }
                if let status = event.type.runStatus, status.isTerminal { ended[event.runID] = status }
            }
            var records: [EventRecord] = []
            records.reserveCapacity(events.count)
            for event in events {
                lastEventID += 1
                let record = EventRecord(id: lastEventID, event: event)
                self.events.append(record)
                records.append(record)
                if event.type.runStatus != nil, let run = runs[event.runID] {
                    runs[event.runID] = run.applying(event)
                }
                guard let key = event.assetKey else { continue }
                eventIDsByAsset[key, default: []].append(record.id)
                switch event.type {
                case .assetMaterialization:
                    latestMaterialization[key] = record
                    if let partition = event.partition {
                        latestPartitionMaterialization[key, default: [:]][partition] = record
                    }
                case .assetObservation:
                    latestObservation[key] = record
                case .assetCheckEvaluation:
                    if let name = event.checkEvaluation?.checkName {
                        latestCheckEvaluation[key, default: [:]][name] = record
                    }
                default:
                    break
                }
            }
            return records
        }

        /// The index in `events` of the first event whose id is above `cursor`.
        func index(after cursor: Int64?) -> Int {
            guard let cursor else { return 0 }
            var (low, high) = (0, events.count)
            while low < high {
                let middle = (low + high) / 2
                if events[middle].id > cursor { high = middle } else { low = middle + 1 }
            }
            return low
        }

        /// The event with this id, which must be kept.
        func record(withID id: Int64) -> EventRecord {
            events[index(after: id - 1)]
        }
    }

    /// The keys of one dynamic partition set, including removed ones, which keep their ordinals.
    struct DynamicPartitionSet {
        /// Every key ever added; a key's ordinal is its index.
        var keys: [PartitionKey] = []
        /// The ordinal of every key ever added.
        var ordinals: [PartitionKey: Int] = [:]
        /// The ordinals of the keys removed and not added again.
        var removed: Set<Int> = []
    }

    /// The storage's contents.
    let state = Mutex(State())

    /// Creates empty storage.
    public init() {}

    /// Stores a new run.
    public func addRun(_ run: Run) async throws {
        try state.withLock { try $0.add(run) }
    }

    /// The run with this id, or `nil`.
    public func run(_ id: RunID) async throws -> Run? {
        state.withLock { $0.runs[id] }
    }

    /// Appends the run-level `event` if its run's status is one of `statuses`.
    public func transition(_ event: Event, from statuses: Set<RunStatus>) async throws -> EventRecord? {
        try state.withLock { state in
            guard let run = state.runs[event.runID] else { throw StorageError.unknownRun(event.runID) }
            guard statuses.contains(run.status) else { return nil }
            return try state.append([event]).first
        }
    }

    /// How many runs there are of each status and job, with the creation time of the oldest of each.
    public func runCounts() async throws -> [RunCount] {
        state.withLock { state in
            var counts: [String: RunCount] = [:]
            for run in state.runs.values {
                let key = "\(run.status.rawValue)\u{0}\(run.jobName)"
                var count =
                    counts[key]
                    ?? RunCount(status: run.status, jobName: run.jobName, count: 0, oldestCreatedAt: run.createdAt)
                count.count += 1
                count.oldestCreatedAt = min(count.oldestCreatedAt, run.createdAt)
                counts[key] = count
            }
            return Array(counts.values)
        }
    }

    /// Runs matching `filter`, newest first.
    public func runs(matching filter: RunFilter, limit: Int, after cursor: RunID?) async throws -> [Run] {
        state.withLock { state in
            var result: [Run] = []
            guard limit > 0 else { return result }
            var passedCursor = cursor == nil
            for id in state.runOrder.reversed() {
                if !passedCursor {
                    passedCursor = id == cursor
                    continue
                }
                guard let run = state.runs[id], filter.matches(run) else { continue }
                result.append(run)
                if result.count == limit { break }
            }
            return result
        }
    }

    /// Appends events, updating runs and the indexes of latest events.
    @discardableResult
    public func append(_ events: [Event]) async throws -> [EventRecord] {
        try state.withLock { try $0.append(events) }
    }

    /// The events of one run after `cursor`.
    public func events(ofRun runID: RunID, after cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        state.withLock { state in
            Array(
                state.events[state.index(after: cursor)...].lazy.filter { $0.event.runID == runID }
                    .prefix(limit))
        }
    }

    /// Events of all runs after `cursor`, of the given types.
    public func events(after cursor: Int64?, types: Set<EventType>?, limit: Int) async throws -> [EventRecord] {
        state.withLock { state in
            Array(
                state.events[state.index(after: cursor)...].lazy.filter {
                    types?.contains($0.event.type) ?? true
                }.prefix(limit))
        }
    }

    /// The id of the newest event, `nil` while there is none.
    public func lastEventID() async throws -> Int64? {
        state.withLock { $0.lastEventID == 0 ? nil : $0.lastEventID }
    }

    /// The latest materialization of each of the given assets.
    public func latestMaterializations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        state.withLock { state in
            var result: [AssetKey: EventRecord] = [:]
            for key in keys {
                if let record = state.latestMaterialization[key] { result[key] = record }
            }
            return result
        }
    }

    /// Materializations of one asset, newest first.
    public func materializations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        newestFirst(before: cursor, limit: limit) { $0.type == .assetMaterialization && $0.assetKey == key }
    }

    /// The latest observation of each of the given assets.
    public func latestObservations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        state.withLock { state in
            var result: [AssetKey: EventRecord] = [:]
            for key in keys {
                if let record = state.latestObservation[key] { result[key] = record }
            }
            return result
        }
    }

    /// The latest evaluation of every check of the given assets.
    public func latestCheckEvaluations(of keys: [AssetKey]) async throws -> [CheckKey: EventRecord] {
        state.withLock { state in
            var result: [CheckKey: EventRecord] = [:]
            for key in keys {
                for (name, record) in state.latestCheckEvaluation[key] ?? [:] {
                    result[CheckKey(assetKey: key, name: name)] = record
                }
            }
            return result
        }
    }

    /// Evaluations of one check, newest first.
    public func checkEvaluations(of check: CheckKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        newestFirst(before: cursor, limit: limit) {
            $0.type == .assetCheckEvaluation && $0.assetKey == check.assetKey
                && $0.checkEvaluation?.checkName == check.name
        }
    }

    /// Events matching `isIncluded`, newest first, before `cursor`, at most `limit`.
    private func newestFirst(before cursor: Int64?, limit: Int, where isIncluded: (Event) -> Bool) -> [EventRecord] {
        state.withLock { state in
            let end = cursor.map { state.index(after: $0 - 1) } ?? state.events.count
            var result: [EventRecord] = []
            for record in state.events[..<max(end, 0)].reversed() where result.count < limit {
                if isIncluded(record.event) { result.append(record) }
            }
            return result
        }
    }
}
