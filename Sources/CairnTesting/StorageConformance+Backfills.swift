import Cairn
import Foundation

// MARK: - Backfills

extension StorageConformance {
    static func addAndGetBackfill(_ storage: any InstanceStorage) async throws {
        let backfill = Backfill(
            id: "bfabcdef", createdAt: time(0), selection: "group:weather",
            assetKeys: ["weather/daily", "weather/raw"],
            partitionSelection: "2024-01-01...2024-01-03", partitionCount: 3, runCount: 3,
            tags: ["team": "data"], runConfig: .object(["ops": .object(["raw": .object(["config": .number(1.5)])])]),
            maxConcurrentRuns: 4, notes: ["'weather/daily' depends on 1 partition of 'weather/raw' that does not exist"]
        )
        let runs = ["2024-01-01", "2024-01-02", "2024-01-03"].enumerated().map { index, partition in
            backfillRun(backfill, partition: partition, createdAt: Double(index))
        }
        try await storage.addBackfill(backfill, runs: runs)
        try expectBackfill(try await storage.backfill("bfabcdef"), backfill, "backfill bfabcdef")
        for run in runs {
            try expectRun(try await storage.run(run.id), run, "run \(run.id) of the backfill")
        }
        let ofBackfill = try await storage.runs(
            matching: RunFilter(tags: [Backfill.tag: "bfabcdef"]), limit: 10, after: nil)
        try expectIDs(ofBackfill, runs.reversed().map(\.id), "runs tagged with the backfill")
        try expectIDs(
            try await storage.runs(
                matching: RunFilter(
                    statuses: [.queued], tags: [Backfill.tag: "bfabcdef", "dagster/partition": "2024-01-02"]),
                limit: 10, after: nil),
            [runs[1].id], "queued run of the backfill for 2024-01-02")

        let ended = Backfill(
            id: "bfended", status: .completedFailed, createdAt: time(10), endedAt: time(20.5), selection: "*",
            assetKeys: [], partitionSelection: "all", partitionCount: 0, runCount: 0, runConfig: .null,
            error: "a run failed: \"quoted\"\nsecond line")
        try await storage.addBackfill(ended, runs: [])
        try expectBackfill(try await storage.backfill("bfended"), ended, "backfill bfended, added without runs")
        try expect(try await storage.backfill("bfmissing") == nil, "backfill(\"bfmissing\") returned a backfill")
        try expect(try await storage.backfill("BFABCDEF") == nil, "backfill(\"BFABCDEF\") returned a backfill")
    }

    static func backfillsNewestFirst(_ storage: any InstanceStorage) async throws {
        // Ids out of alphabetical order, so sorting by id instead of by age shows.
        let ids: [BackfillID] = ["bfcccccc", "bfaaaaaa", "bfeeeeee", "bfbbbbbb", "bfdddddd"]
        for (index, id) in ids.enumerated() {
            try await storage.addBackfill(makeBackfill(id, createdAt: Double(index)), runs: [])
        }
        func listed(limit: Int, after cursor: BackfillID?) async throws -> [BackfillID] {
            try await storage.backfills(limit: limit, after: cursor).map(\.id)
        }
        try expectEqual(try await listed(limit: 10, after: nil), ids.reversed(), "ids of all backfills")
        try expectEqual(
            try await listed(limit: 2, after: nil), ["bfdddddd", "bfbbbbbb"], "ids of the first page of 2 backfills")
        try expectEqual(
            try await listed(limit: 2, after: "bfbbbbbb"), ["bfeeeeee", "bfaaaaaa"], "ids of 2 backfills after bfbbbbbb"
        )
        try expectEqual(try await listed(limit: 2, after: "bfcccccc"), [], "ids of backfills after the oldest")
        try expectEqual(try await listed(limit: 0, after: nil), [], "ids of a page of limit 0")
        var paged: [BackfillID] = []
        var cursor: BackfillID?
        while true {
            let page = try await listed(limit: 2, after: cursor)
            guard let last = page.last else { break }
            try expect(page.count <= 2, "a page of limit 2 returned \(page.count) backfills")
            paged += page
            cursor = last
        }
        try expectEqual(paged, ids.reversed(), "ids of backfills read in pages of 2")
        let all = try await storage.backfills(limit: 10, after: nil)
        for (actual, id) in zip(all, ids.reversed()) {
            try expectBackfill(actual, makeBackfill(id, createdAt: Double(ids.firstIndex(of: id)!)), "listed \(id)")
        }
    }

    static func updateBackfill(_ storage: any InstanceStorage) async throws {
        let first = makeBackfill("bffirst", createdAt: 0)
        let second = makeBackfill("bfsecond", createdAt: 1)
        try await storage.addBackfill(first, runs: [backfillRun(first, partition: "p", createdAt: 0)])
        try await storage.addBackfill(second, runs: [])
        var updated = first
        updated.status = .completedFailed
        updated.endedAt = time(30.25)
        updated.runCount = 2
        updated.error = "1 run failed"
        updated.tags["retried"] = "true"
        updated.runConfig = .object(["ops": .object([:])])
        try await storage.updateBackfill(updated)
        try expectBackfill(try await storage.backfill("bffirst"), updated, "backfill bffirst after its update")
        try expectBackfill(try await storage.backfill("bfsecond"), second, "backfill bfsecond after another's update")
        try expectEqual(
            try await storage.backfills(limit: 10, after: nil).map(\.id), ["bfsecond", "bffirst"],
            "ids of backfills after updating the older one")
        var canceled = updated
        canceled.status = .canceled
        canceled.error = nil
        canceled.runConfig = nil
        try await storage.updateBackfill(canceled)
        try expectBackfill(try await storage.backfill("bffirst"), canceled, "backfill bffirst after a second update")
        try await expectThrows(.unknownBackfill("bfmissing"), "updating an unknown backfill") {
            try await storage.updateBackfill(makeBackfill("bfmissing", createdAt: 2))
        }
        try expect(try await storage.backfill("bfmissing") == nil, "the unknown backfill was stored by its update")
        try expectEqual(
            try await storage.runs(matching: RunFilter(tags: [Backfill.tag: "bffirst"]), limit: 10, after: nil).count,
            1, "number of runs of bffirst after its updates")
    }

    static func duplicateInBackfill(_ storage: any InstanceStorage) async throws {
        let existing = makeBackfill("bfexists", createdAt: 0)
        try await storage.addBackfill(existing, runs: [backfillRun(existing, partition: "p2", createdAt: 0)])
        let backfill = makeBackfill("bfnew", createdAt: 1)
        let runs = ["p1", "p2", "p3"].enumerated().map { index, partition in
            backfillRun(backfill, partition: partition, createdAt: Double(index + 1))
        }
        let taken = Run(
            id: runs[1].id, assetKeys: ["a"], tags: ["owner": "someone else"], status: .success, createdAt: time(0))
        try await storage.addRun(taken)
        try await expectThrows(.duplicateRun(runs[1].id), "adding a backfill with a run whose id is taken") {
            try await storage.addBackfill(backfill, runs: runs)
        }
        try await expectThrows(.duplicateRun(runs[0].id), "adding a backfill with the same run twice") {
            try await storage.addBackfill(backfill, runs: [runs[0], runs[2], runs[0]])
        }
        try expect(try await storage.backfill("bfnew") == nil, "backfill bfnew was stored although its runs were not")
        for run in [runs[0], runs[2]] {
            try expect(try await storage.run(run.id) == nil, "run \(run.id) of the rejected backfill was stored")
        }
        try expectRun(try await storage.run(taken.id), taken, "the run whose id was taken")
        try expectIDs(
            try await storage.runs(matching: RunFilter(tags: [Backfill.tag: "bfnew"]), limit: 10, after: nil), [],
            "runs tagged with the rejected backfill")
        try expectEqual(
            try await storage.backfills(limit: 10, after: nil).map(\.id), ["bfexists"], "ids of stored backfills")

        try await expectThrows(.duplicateBackfill("bfexists"), "adding a backfill whose id is taken") {
            try await storage.addBackfill(
                makeBackfill("bfexists", createdAt: 2), runs: [backfillRun(existing, partition: "p9", createdAt: 2)])
        }
        try expectBackfill(try await storage.backfill("bfexists"), existing, "backfill bfexists after a duplicate")
        try expectEqual(
            try await storage.runs(matching: RunFilter(tags: [Backfill.tag: "bfexists"]), limit: 10, after: nil).count,
            1, "number of runs of bfexists after a duplicate")

        try await storage.addBackfill(backfill, runs: [runs[0], runs[2]])
        try expectIDs(
            try await storage.runs(matching: RunFilter(tags: [Backfill.tag: "bfnew"]), limit: 10, after: nil),
            [runs[2].id, runs[0].id], "runs of bfnew added after the rejected attempts")
    }

    /// A backfill of asset `a` over all its partitions, created `createdAt` seconds after `time(0)`.
    private static func makeBackfill(_ id: BackfillID, createdAt: Double) -> Backfill {
        Backfill(
            id: id, createdAt: time(createdAt), selection: "a", assetKeys: ["a"], partitionSelection: "all",
            partitionCount: 3, runCount: 1)
    }

    /// A queued run of one partition of `backfill`, tagged as Dagster tags them.
    private static func backfillRun(_ backfill: Backfill, partition: String, createdAt: Double) -> Run {
        Run(
            id: RunID("\(backfill.id)-\(partition)"), selection: backfill.selection, assetKeys: backfill.assetKeys,
            tags: backfill.tags.merging(
                [Backfill.tag: backfill.id.rawValue, "dagster/partition": partition], uniquingKeysWith: { $1 }),
            status: .queued, createdAt: time(createdAt), runConfig: backfill.runConfig)
    }

    private static func expectBackfill(_ actual: Backfill?, _ expected: Backfill, _ what: String) throws {
        guard let actual else { throw Mismatch(message: "\(what): expected backfill \(expected.id), got nil") }
        try expectEqual(actual.id, expected.id, "\(what): id")
        try expectEqual(actual.status, expected.status, "\(what): status")
        try expectInstant(actual.createdAt, expected.createdAt, "\(what): createdAt")
        try expectInstant(actual.endedAt, expected.endedAt, "\(what): endedAt")
        try expectEqual(actual.selection, expected.selection, "\(what): selection")
        try expectEqual(actual.assetKeys, expected.assetKeys, "\(what): assetKeys")
        try expectEqual(actual.partitionSelection, expected.partitionSelection, "\(what): partitionSelection")
        try expectEqual(actual.partitionCount, expected.partitionCount, "\(what): partitionCount")
        try expectEqual(actual.runCount, expected.runCount, "\(what): runCount")
        try expectEqual(actual.tags, expected.tags, "\(what): tags")
        try expectEqual(actual.runConfig, expected.runConfig, "\(what): runConfig")
        try expectEqual(actual.error, expected.error, "\(what): error")
        try expectEqual(actual.maxConcurrentRuns, expected.maxConcurrentRuns, "\(what): maxConcurrentRuns")
        try expectEqual(actual.notes, expected.notes, "\(what): notes")
    }
}
