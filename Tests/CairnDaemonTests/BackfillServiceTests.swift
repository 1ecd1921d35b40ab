import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite struct BackfillServiceTests {
    private let days = PartitionsDefinition.daily(start: "2024-01-01", end: "2024-01-06")

    /// A daily `raw` asset and a `rolling` one reading two days of it, and a stored backfill of
    /// all their partitions.
    private func backfillOfAllDays(in storage: SQLiteStorage) async throws -> (Definitions, Backfill) {
        let raw = Asset("raw", partitions: days) { context in try context.partitionKey.rawValue }
        let rolling = Asset("rolling", partitions: days, from: raw.partitions(.timeWindow(startOffset: -1))) {
            _, days in days.count
        }
        let definitions = Definitions(assets: [raw, rolling])
        let backfill = try await InstanceOperations(definitions: definitions, storage: storage, launchedBy: "test")
            .launchBackfill("*", partitions: .all)
        return (definitions, backfill)
    }

    @Test func requestedBackfillsAreDrivenAndTheQueueLeavesTheirRunsAlone() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let (definitions, backfill) = try await backfillOfAllDays(in: storage)

        // The run queue does not launch backfill runs: they wait for their upstream partitions.
        let launcher = InProcessRunLauncher(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager())
        #expect(try await RunCoordinatorService(storage: storage, launcher: launcher).launchQueuedRuns().isEmpty)

        let service = BackfillService(
            driver: BackfillDriver(definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager()),
            interval: .milliseconds(10))
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // Generous for a machine busy with the rest of the suite; the loop ends as soon as it is done.
            let deadline = ContinuousClock.now + .seconds(60)
            while try await storage.backfill(backfill.id)?.status == .requested, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(try await storage.backfill(backfill.id)?.status == .completedSuccess)
        let runs = try await storage.runs(
            matching: RunFilter(tags: [Backfill.tag: backfill.id.rawValue]), limit: 10, after: nil)
        #expect(runs.count == 5)
        #expect(runs.allSatisfy { $0.status == .success })
    }

    /// After a daemon was killed with a backfill's run in flight, run monitoring alone decides for
    /// that run: it fails it and resumes it, and the backfill completes with the resumed run,
    /// without canceling the runs downstream of it.
    @Test func runMonitoringOwnsTheDeadRunsOfABackfill() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let (definitions, backfill) = try await backfillOfAllDays(in: storage)
        let first = try #require(try await storage.runs(ofBackfill: backfill.id).first)
        // The killed daemon had claimed and started the first run.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let worker = RunWorker(pid: dead.processIdentifier, host: ProcessInfo.processInfo.hostName)
        #expect(
            try await storage.transition(
                Event(.runStarting, runID: first.id, metadata: worker.metadata), from: [.notStarted]) != nil)
        try await storage.append([Event(.runStart, runID: first.id)])

        // The restarted daemon's driver leaves the dead run to run monitoring.
        let driver = BackfillDriver(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager(),
            failsRunsOfDeadWorkers: false)
        #expect(try await driver.drive(backfill.id).status == .requested)
        #expect(try await storage.run(first.id)?.status == .started)
        let monitor = RunMonitorService(storage: storage, definitions: definitions, maxResumeAttempts: 1)
        #expect(try await monitor.check().map(\.id) == [first.id])
        #expect(try await driver.drive(backfill.id).status == .completedSuccess)
        let runs = try await storage.runs(ofBackfill: backfill.id)
        #expect(runs.count == 6, "5 runs and the resumption of the dead one")
        #expect(runs.filter { $0.status == .canceled }.isEmpty, "no run downstream of the dead one was canceled")
        #expect(runs.first { $0.parentRunID == first.id }?.status == .success)
        let materialized = try await storage.events(
            ofAsset: "raw", types: [.assetMaterialization], after: nil, limit: 100)
        #expect(
            materialized.filter { $0.event.partition == "2024-01-01" }.count == 1,
            "the dead run's partition is materialized once, by its resumption")
    }
}
