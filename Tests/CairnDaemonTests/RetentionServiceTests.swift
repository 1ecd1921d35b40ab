import Cairn
import CairnDaemon
import Foundation
import Testing

@Suite struct RetentionServiceTests {
    @Test func theServicePrunesAtStartThenOncePerPeriod() async throws {
        let storage = InMemoryStorage()
        let now = Date()
        for (index, days) in [40.0, 35, 1].enumerated() {
            let id = RunID("run-\(index)")
            try await storage.addRun(Run(id: id, assetKeys: [], createdAt: now - days * 86_400))
            _ = try await storage.append([Event(.runStart, runID: id), Event(.runSuccess, runID: id)])
        }
        let service = RetentionService(
            pruner: HistoryPruner(
                storage: storage, policy: try RetentionPolicy(maxAgeDays: 30, keepRunsPerJob: nil), pause: .zero),
            period: .seconds(3600), now: { now })
        let first = try #require(try await service.pruneIfDue())
        #expect(first.runs == 2 && first.events == 4)
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).map(\.id) == ["run-2"])
        #expect(try await service.pruneIfDue() == nil, "a second prune within the period")
    }
}

/// `ServiceGroup` describes every service as it starts: each daemon service gives its name alone.
@Suite struct DaemonServiceDescriptionTests {
    @Test func everyServiceDescribesItselfByItsName() throws {
        let storage = InMemoryStorage()
        let definitions = Definitions(assets: [Asset<Int>("one") { _ in 1 }])
        #expect("\(RunMonitorService(storage: storage))" == "run_monitoring")
        #expect("\(ScheduleService(definitions: definitions, storage: storage))" == "schedules")
        #expect("\(SensorService(definitions: definitions, storage: storage))" == "sensors")
        let pruner = HistoryPruner(storage: storage, policy: try RetentionPolicy(maxAgeDays: 1, keepRunsPerJob: nil))
        #expect("\(RetentionService(pruner: pruner))" == "retention")
    }
}
