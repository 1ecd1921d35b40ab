import Cairn
import CairnTesting
import Foundation
import Testing

@Suite struct InMemoryStorageConformanceTests {
    @Test(arguments: StorageConformance.checks)
    func conformance(_ check: StorageConformance.Check) async throws {
        try await check.run(on: InMemoryStorage())
    }

    @Test func verifyRunsEveryCheck() async throws {
        var made = 0
        try await StorageConformance.verify {
            made += 1
            return InMemoryStorage()
        }
        #expect(made == StorageConformance.checks.count)
    }

    @Test func failureNamesTheCheckAndTheDifference() async throws {
        let error = await #expect(throws: ConformanceFailure.self) {
            try await StorageConformance.verify { OldestFirstStorage() }
        }
        #expect(error?.check == "runs are listed newest first, with limit and cursor")
        #expect(error?.description.contains("ids of all runs: expected") == true)
    }
}

/// A broken storage that lists runs oldest first, to show what a failure reports.
private final class OldestFirstStorage: InstanceStorage {
    private let storage = InMemoryStorage()

    func addRun(_ run: Run) async throws { try await storage.addRun(run) }

    func run(_ id: RunID) async throws -> Run? { try await storage.run(id) }

    func transition(_ event: Event, from statuses: Set<RunStatus>) async throws -> EventRecord? {
        try await storage.transition(event, from: statuses)
    }

    func runs(matching filter: RunFilter, limit: Int, after cursor: RunID?) async throws -> [Run] {
        try await storage.runs(matching: filter, limit: limit, after: cursor).reversed()
    }

    func runCounts() async throws -> [RunCount] { try await storage.runCounts() }

    func append(_ events: [Event]) async throws -> [EventRecord] { try await storage.append(events) }

    func events(ofRun runID: RunID, after cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await storage.events(ofRun: runID, after: cursor, limit: limit)
    }

    func events(after cursor: Int64?, types: Set<EventType>?, limit: Int) async throws -> [EventRecord] {
        try await storage.events(after: cursor, types: types, limit: limit)
    }

    func lastEventID() async throws -> Int64? { try await storage.lastEventID() }

    func latestMaterializations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        try await storage.latestMaterializations(of: keys)
    }

    func materializations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await storage.materializations(of: key, before: cursor, limit: limit)
    }

    func latestObservations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        try await storage.latestObservations(of: keys)
    }

    func latestCheckEvaluations(of keys: [AssetKey]) async throws -> [CheckKey: EventRecord] {
        try await storage.latestCheckEvaluations(of: keys)
    }

    func checkEvaluations(of check: CheckKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await storage.checkEvaluations(of: check, before: cursor, limit: limit)
    }

    func events(ofAsset key: AssetKey, types: Set<EventType>, after cursor: Int64?, limit: Int) async throws
        -> [EventRecord]
    {
        try await storage.events(ofAsset: key, types: types, after: cursor, limit: limit)
    }

    func latestMaterializations(of key: AssetKey, partitions: [PartitionKey]) async throws
        -> [PartitionKey: EventRecord]
    {
        try await storage.latestMaterializations(of: key, partitions: partitions)
    }

    func partitionStatus(of key: AssetKey) async throws -> StoredPartitionStatus? {
        try await storage.partitionStatus(of: key)
    }

    func storePartitionStatus(_ status: StoredPartitionStatus, of key: AssetKey) async throws {
        try await storage.storePartitionStatus(status, of: key)
    }

    func addDynamicPartitions(_ keys: [PartitionKey], to name: String) async throws -> Int {
        try await storage.addDynamicPartitions(keys, to: name)
    }

    func deleteDynamicPartitions(_ keys: [PartitionKey], from name: String) async throws -> Int {
        try await storage.deleteDynamicPartitions(keys, from: name)
    }

    func dynamicPartitions(_ name: String) async throws -> DynamicPartitionKeys {
        try await storage.dynamicPartitions(name)
    }

    func addBackfill(_ backfill: Backfill, runs: [Run]) async throws {
        try await storage.addBackfill(backfill, runs: runs)
    }

    func backfill(_ id: BackfillID) async throws -> Backfill? { try await storage.backfill(id) }

    func backfills(limit: Int, after cursor: BackfillID?) async throws -> [Backfill] {
        try await storage.backfills(limit: limit, after: cursor)
    }

    func updateBackfill(_ backfill: Backfill) async throws { try await storage.updateBackfill(backfill) }

    func scheduleState(_ name: String) async throws -> ScheduleState? { try await storage.scheduleState(name) }

    func scheduleStates() async throws -> [ScheduleState] { try await storage.scheduleStates() }

    func setScheduleState(_ state: ScheduleState) async throws { try await storage.setScheduleState(state) }

    func addRunsOnce(_ ticks: [TickRuns]) async throws -> [[Run]] { try await storage.addRunsOnce(ticks) }

    func scheduleTicks(of name: String, before cursor: Date?, limit: Int) async throws -> [ScheduleTick] {
        try await storage.scheduleTicks(of: name, before: cursor, limit: limit)
    }

    func recordRunHeartbeat(_ heartbeat: RunHeartbeat) async throws { try await storage.recordRunHeartbeat(heartbeat) }

    func runHeartbeats(of runIDs: [RunID]) async throws -> [RunID: RunHeartbeat] {
        try await storage.runHeartbeats(of: runIDs)
    }

    func recordDaemonHeartbeat(_ heartbeat: DaemonHeartbeat) async throws {
        try await storage.recordDaemonHeartbeat(heartbeat)
    }

    func daemonHeartbeats() async throws -> [DaemonHeartbeat] { try await storage.daemonHeartbeats() }

    func removeDaemonHeartbeats(of daemonID: DaemonID) async throws {
        try await storage.removeDaemonHeartbeats(of: daemonID)
    }

    func automationCursor() async throws -> AutomationCursor { try await storage.automationCursor() }

    func storeAutomationTick(_ tick: AutomationTick) async throws -> Bool {
        try await storage.storeAutomationTick(tick)
    }

    func latestAutomationEvaluations(of keys: [AssetKey]) async throws -> [AssetKey: AutomationEvaluation] {
        try await storage.latestAutomationEvaluations(of: keys)
    }

    func automationEvaluations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws
        -> [AutomationEvaluation]
    {
        try await storage.automationEvaluations(of: key, before: cursor, limit: limit)
    }

    func setPoolLimit(_ limit: Int, for pool: String) async throws { try await storage.setPoolLimit(limit, for: pool) }

    func deletePoolLimit(_ pool: String) async throws -> Bool { try await storage.deletePoolLimit(pool) }

    func defaultPoolLimit() async throws -> Int? { try await storage.defaultPoolLimit() }

    func setDefaultPoolLimit(_ limit: Int?) async throws { try await storage.setDefaultPoolLimit(limit) }

    func concurrencyPools() async throws -> [ConcurrencyPool] { try await storage.concurrencyPools() }

    func claimPoolSlot(_ pool: String, runID: RunID, stepKey: String, at time: Date) async throws -> PoolSlotClaim {
        try await storage.claimPoolSlot(pool, runID: runID, stepKey: stepKey, at: time)
    }

    func releasePoolSlot(_ pool: String, runID: RunID, stepKey: String) async throws {
        try await storage.releasePoolSlot(pool, runID: runID, stepKey: stepKey)
    }

    func prunableRuns(_ policy: RetentionPolicy, now: Date, limit: Int) async throws -> [PrunableRun] {
        try await storage.prunableRuns(policy, now: now, limit: limit)
    }

    func deleteRuns(_ ids: [RunID], maxEvents: Int) async throws -> (events: Int, runs: [RunID]) {
        try await storage.deleteRuns(ids, maxEvents: maxEvents)
    }

    func countTicksAndEvaluations(before cutoff: Date) async throws -> Int {
        try await storage.countTicksAndEvaluations(before: cutoff)
    }

    func deleteTicksAndEvaluations(before cutoff: Date, limit: Int) async throws -> Int {
        try await storage.deleteTicksAndEvaluations(before: cutoff, limit: limit)
    }

    func reclaimFreeSpace(maxPages: Int) async throws -> Int { try await storage.reclaimFreeSpace(maxPages: maxPages) }

    func acquireLease(_ name: String, holder: String, now: Date, duration: Duration) async throws -> Lease? {
        try await storage.acquireLease(name, holder: holder, now: now, duration: duration)
    }

    func releaseLease(_ name: String, holder: String) async throws {
        try await storage.releaseLease(name, holder: holder)
    }

    func leases() async throws -> [Lease] { try await storage.leases() }
}
