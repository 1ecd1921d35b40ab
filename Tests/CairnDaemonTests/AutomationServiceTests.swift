import Cairn
import CairnDaemon
import CairnSQLite
import CairnTesting
import Foundation
import Synchronization
import Testing

/// A time tests move by hand.
private final class ManualTime: Sendable {
    private let current: Mutex<Date>

    init(_ text: String) { current = Mutex(ISO8601Timestamp.parse(text)!) }

    var now: Date { current.withLock { $0 } }

    func set(_ text: String) { current.withLock { $0 = ISO8601Timestamp.parse(text)! } }
}

@Suite struct AutomationServiceTests {
    private static let definitions: Definitions = {
        let raw = Asset("raw") { _ in 1 }
        let report = Asset("report", automationCondition: .eager(), from: raw) { _, raw in raw + 1 }
        let summary = Asset("summary", automationCondition: .eager(), from: report) { _, report in report }
        return Definitions(assets: [raw, report, summary])
    }()

    /// Stores a run outside automation that materializes `raw` at `time`.
    private static func materializeRaw(_ id: RunID, at time: String, in storage: SQLiteStorage) async throws {
        let date = ISO8601Timestamp.parse(time)!
        try await storage.addRun(Run(id: id, assetKeys: ["raw"], createdAt: date))
        try await storage.append([
            Event(.runStart, runID: id, timestamp: date),
            Event(.assetMaterialization, runID: id, timestamp: date, assetKey: "raw"),
            Event(.runSuccess, runID: id, timestamp: date),
        ])
    }

    private static func automationRuns(in storage: SQLiteStorage) async throws -> [Run] {
        try await storage.runs(
            matching: RunFilter(tags: [AutomationEvaluator.runTag: "true"]), limit: 100, after: nil)
    }

    @Test func theServiceQueuesARunWhenAnUpstreamAssetIsUpdated() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let time = ManualTime("2026-11-22T06:00:00Z")
        let clock = TestClock()
        let service = try AutomationService(
            definitions: Self.definitions, storage: storage, interval: .seconds(1), clock: clock, now: { time.now })
        try await service.evaluateTick()
        try await Self.materializeRaw("run-raw", at: "2026-11-22T06:00:30Z", in: storage)
        time.set("2026-11-22T06:01:00Z")

        let loop = Task { try await service.run() }
        var runs: [Run] = []
        for _ in 0..<500 where runs.isEmpty {
            try await Task.sleep(for: .milliseconds(10))
            runs = try await Self.automationRuns(in: storage)
        }
        loop.cancel()
        _ = try? await loop.value
        #expect(runs.count == 1)
        #expect(runs.first?.assetKeys == ["report", "summary"])
        #expect(runs.first?.status == .queued)
        #expect(clock.sleeps.allSatisfy { $0 == .seconds(1) })
        let history = try await storage.automationEvaluations(of: "report", before: nil, limit: 1000)
        #expect(history.filter(\.requested).map(\.runIDs) == [runs.map(\.id)])
        #expect(try await Self.automationRuns(in: storage).count == 1, "the later ticks requested nothing more")
    }

    @Test func twoServicesOnOneFileDoNotRequestTwice() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let time = ManualTime("2026-11-22T06:00:00Z")
        let first = try AutomationService(
            definitions: Self.definitions, storage: try directory.storage(), now: { time.now })
        let second = try AutomationService(
            definitions: Self.definitions, storage: try directory.storage(), now: { time.now })
        let storage = try directory.storage()
        try await first.evaluateTick()
        for update in 1...4 {
            try await Self.materializeRaw(
                RunID("run-raw-\(update)"), at: "2026-11-22T0\(update + 5):00:00Z", in: storage)
            time.set("2026-11-22T0\(update + 5):01:00Z")
            for _ in 0..<3 {
                async let a = first.evaluateTick()
                async let b = second.evaluateTick()
                _ = try await (a, b)
            }
            let runs = try await Self.automationRuns(in: storage)
            #expect(runs.count == update, "one run per update of raw, whichever daemon stored it")
            for run in runs where run.status == .queued {
                try await storage.append([
                    Event(.runStart, runID: run.id, timestamp: time.now),
                    Event(.assetMaterialization, runID: run.id, timestamp: time.now, assetKey: "report"),
                    Event(.assetMaterialization, runID: run.id, timestamp: time.now, assetKey: "summary"),
                    Event(.runSuccess, runID: run.id, timestamp: time.now),
                ])
            }
        }
        let cursor = try await storage.automationCursor()
        let history = try await storage.automationEvaluations(of: "report", before: nil, limit: 100)
        #expect(Set(history.map(\.evaluationID)).count == history.count, "one evaluation of report per stored tick")
        #expect(history.filter(\.requested).count == 4)
        #expect(cursor.evaluationID >= 5)
    }
}
