import Cairn
import CairnDaemon
import Foundation
import Logging
import ServiceLifecycle
import Testing

@Suite struct BackfillServiceTests {
    private let days = PartitionsDefinition.daily(start: "2024-01-01", end: "2024-01-06")

    @Test func requestedBackfillsAreDrivenAndTheQueueLeavesTheirRunsAlone() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let raw = Asset("raw", partitions: days) { context in try context.partitionKey.rawValue }
        let rolling = Asset("rolling", partitions: days, from: raw.partitions(.timeWindow(startOffset: -1))) {
            _, days in days.count
        }
        let definitions = Definitions(assets: [raw, rolling])
        let backfill = try await InstanceOperations(definitions: definitions, storage: storage, launchedBy: "test")
            .launchBackfill("*", partitions: .all)

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
}
