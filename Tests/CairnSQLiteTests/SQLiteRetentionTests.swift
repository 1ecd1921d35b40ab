import Cairn
import Foundation
import GRDB
import Testing

@testable import CairnSQLite

@Suite struct SQLiteRetentionTests {
    /// `count` ended runs of `eventsPerRun` events each, created `daysAgo` days before `now`.
    private func addHistory(
        _ storage: SQLiteStorage, runs count: Int, eventsPerRun: Int, daysAgo: Double, now: Date, prefix: String
    ) async throws {
        for index in 0..<count {
            let id = RunID("\(prefix)-\(index)")
            let created = now - daysAgo * 86_400
            try await storage.addRun(Run(id: id, assetKeys: [], status: .notStarted, createdAt: created))
            let events =
                [Event(.runStart, runID: id, timestamp: created)]
                + (0..<eventsPerRun - 2).map { _ in
                    Event(.engineEvent, runID: id, message: String(repeating: "x", count: 200))
                }
                + [Event(.runSuccess, runID: id, timestamp: created)]
            _ = try await storage.append(events)
        }
    }

    private func pageCount(_ path: String) throws -> Int {
        try DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "PRAGMA page_count") ?? 0 }
    }

    @Test func pruningDeletesOldRunsInBatchesAndGivesTheSpaceBack() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            let storage = try SQLiteStorage(path: path)
            #expect(try await storage.reclaimsSpaceIncrementally())
            let now = Date()
            try await addHistory(storage, runs: 60, eventsPerRun: 50, daysAgo: 40, now: now, prefix: "old")
            try await addHistory(storage, runs: 5, eventsPerRun: 50, daysAgo: 1, now: now, prefix: "new")
            try storage.checkpoint()
            let before = try pageCount(path)

            let pruner = HistoryPruner(
                storage: storage, policy: try RetentionPolicy(maxAgeDays: 30, keepRunsPerJob: nil), batchSize: 700)
            let plan = try await pruner.plan(now: now)
            #expect(plan.runs == 60 && plan.events == 3_000)
            let batches = Counter()
            let report = try await pruner.prune(now: now) { _ in batches.increment() }
            #expect(report.runs == plan.runs && report.events == plan.events)
            #expect(batches.value >= 3_000 / 700, "one progress call per batch of at most 700 events")
            #expect(report.reclaimedPages > 0)
            try storage.checkpoint()
            let after = try pageCount(path)
            #expect(after < before / 2, "the file did not shrink: \(before) → \(after) pages")
            #expect(try await storage.runs(matching: RunFilter(), limit: 100, after: nil).count == 5)
            #expect(try await pruner.plan(now: now).runs == 0)
        }
    }

    @Test func aFileWithoutIncrementalVacuumIsConvertedByVacuum() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            // A file as Cairn created it before retention existed.
            try DatabaseQueue(path: path).inDatabase { db in
                try db.execute(sql: "PRAGMA auto_vacuum = NONE; CREATE TABLE placeholder (x)")
            }
            let storage = try SQLiteStorage(path: path)
            #expect(try await storage.reclaimsSpaceIncrementally() == false)
            #expect(try await storage.reclaimFreeSpace(maxPages: 100) == 0)
            try await storage.vacuum()
            #expect(try await storage.reclaimsSpaceIncrementally())
        }
    }
}

/// A count shared with a progress callback.
private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    var value: Int { lock.withLock { count } }

    func increment() { lock.withLock { count += 1 } }
}
