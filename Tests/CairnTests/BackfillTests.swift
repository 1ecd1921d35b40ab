import Cairn
import Foundation
import Testing

@Suite struct BackfillTests {
    /// Seven days, all in the past.
    static let week = PartitionsDefinition.daily(start: "2024-01-01", end: "2024-01-08")

    let storage = InMemoryStorage()
    let memory = MemoryIOManager()
    let calls = CallCounter()

    /// `raw → cleaned → rolling`, where `rolling` also reads yesterday's `cleaned`.
    func chain() -> Definitions {
        let raw = Asset("raw", partitions: Self.week) { [calls] context in
            let key = try context.partitionKey
            calls.record("raw \(key)")
            return Int(key.rawValue.suffix(2))!
        }
        let cleaned = Asset("cleaned", partitions: Self.week, from: raw) { [calls] context, value in
            calls.record("cleaned \(try context.partitionKey)")
            return value * 10
        }
        let rolling = Asset("rolling", partitions: Self.week, from: cleaned.partitions(.timeWindow(startOffset: -1))) {
            [calls] context, days in
            calls.record("rolling \(try context.partitionKey)")
            return days.values.reduce(0, +)
        }
        return Definitions(assets: [raw, cleaned, rolling])
    }

    private func driver(_ definitions: Definitions, concurrentRuns: Int = 1) -> BackfillDriver {
        BackfillDriver(
            definitions: definitions, storage: storage, defaultIOManager: memory, maxConcurrentRuns: concurrentRuns)
    }

    private func runs(of backfill: Backfill) async throws -> [Run] {
        try await storage.runs(matching: RunFilter(tags: [Backfill.tag: backfill.id.rawValue]), limit: 100, after: nil)
    }

    /// How many RUN_STARTING events each run has: a run launched twice would have two.
    private func launches(of runs: [Run]) async throws -> [Int] {
        var counts: [Int] = []
        for run in runs {
            counts.append(
                try await storage.events(ofRun: run.id, after: nil, limit: 1000).filter {
                    $0.event.type == .runStarting
                }.count)
        }
        return counts
    }

    @Test func aWeekOfADailyChainRunsToCompletionOnePartitionPerRun() async throws {
        let definitions = chain()
        let backfill = try await operations(definitions, storage)
            .launchBackfill("*", partitions: .range(PartitionKeyRange("2024-01-01", "2024-01-07")))
        #expect(backfill.runCount == 7)
        #expect(backfill.partitionCount == 7)
        #expect(try await runs(of: backfill).allSatisfy { $0.status == .notStarted })

        let ended = try await driver(definitions, concurrentRuns: 3).drive(backfill.id)
        #expect(ended.status == .completedSuccess)
        let finished = try await runs(of: backfill)
        #expect(finished.allSatisfy { $0.status == .success })
        #expect(try await launches(of: finished).allSatisfy { $0 == 1 })
        for day in 1...7 {
            for asset in ["raw", "cleaned", "rolling"] { #expect(calls.count("\(asset) 2024-01-0\(day)") == 1) }
        }
        // rolling(d) = cleaned(d-1) + cleaned(d), so yesterday's run had finished first.
        let rolling = AssetKeyReference<Int>(key: "rolling")
        #expect(try await definitions.loadValue(of: rolling, partition: "2024-01-05", defaultIOManager: memory) == 90)
        #expect(try await definitions.loadValue(of: rolling, partition: "2024-01-01", defaultIOManager: memory) == 10)
        let (status, space) = try await definitions.partitionStatus(of: "rolling", storage: storage)
        #expect(status.summary(in: space).materialized.count == 7)
        #expect(try await storage.backfill(backfill.id)?.status == .completedSuccess)
    }

    @Test func resumingAfterTheDriverDiedLaunchesNoRunTwice() async throws {
        let raw = Asset("raw", partitions: Self.week) { [calls] context in
            calls.record("raw \(try context.partitionKey)")
            return 1
        }
        let definitions = Definitions(assets: [raw])
        let backfill = try await operations(definitions, storage)
            .launchBackfill("*", partitions: .all)
        let queued = try await runs(of: backfill).reversed().map { $0 }
        // A driver that died had claimed and started the first run.
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let claim = Event(
            .runStarting, runID: queued[0].id,
            metadata: [
                "cairn/worker_pid": .int(Int(dead.processIdentifier)),
                "cairn/worker_host": .text(ProcessInfo.processInfo.hostName),
            ])
        #expect(try await storage.transition(claim, from: [.notStarted]) != nil)
        try await storage.append([Event(.runStart, runID: queued[0].id)])

        let ended = try await driver(definitions).drive(backfill.id)
        #expect(ended.status == .completedFailed)
        let finished = try await runs(of: backfill)
        #expect(try await launches(of: finished).allSatisfy { $0 == 1 })
        #expect(try await storage.run(queued[0].id)?.status == .failure)
        #expect(calls.count("raw 2024-01-01") == 0, "the dead driver's run is not launched again")
        for day in 2...7 { #expect(calls.count("raw 2024-01-0\(day)") == 1) }
        // Driving an ended backfill again does nothing.
        #expect(try await driver(definitions).drive(backfill.id).status == .completedFailed)
        #expect(try await launches(of: finished).allSatisfy { $0 == 1 })
    }

    @Test func runsWhoseUpstreamPartitionsFailedAreCanceled() async throws {
        let raw = Asset("raw", partitions: Self.week) { context in
            if try context.partitionKey == "2024-01-03" { throw TestFailure(description: "the source was down") }
            return 1
        }
        let rolling = Asset("rolling", partitions: Self.week, from: raw.partitions(.timeWindow(startOffset: -1))) {
            _, days in days.count
        }
        let definitions = Definitions(assets: [raw, rolling])
        let backfill = try await operations(definitions, storage)
            .launchBackfill("key:rolling", partitions: .all)
        #expect(backfill.runCount == 7)
        let withRaw = try await operations(definitions, storage)
            .launchBackfill("*", partitions: .all)
        let ended = try await driver(definitions).drive(withRaw.id)
        #expect(ended.status == .completedFailed)
        let statuses = Dictionary(
            uniqueKeysWithValues: try await runs(of: withRaw).map { ($0.partitionRange!.start.rawValue, $0.status) })
        #expect(statuses["2024-01-02"] == .success)
        #expect(statuses["2024-01-03"] == .failure)
        #expect(statuses["2024-01-04"] == .canceled, "it needs the 3rd, which failed")
    }

    @Test func canceledBackfillsCancelTheirQueuedRuns() async throws {
        let definitions = chain()
        let backfill = try await operations(definitions, storage)
            .launchBackfill("*", partitions: .all)
        let canceled = try await driver(definitions).cancel(backfill.id)
        #expect(canceled.status == .canceled)
        #expect(try await runs(of: backfill).allSatisfy { $0.status == .canceled })
        #expect(try await driver(definitions).drive(backfill.id).status == .canceled)
        #expect(calls.count("raw 2024-01-01") == 0)
    }

    @Test func singleRunAssetsBackfillRangesInOneRun() async throws {
        let load = Asset("load", partitions: Self.week, backfillPolicy: .singleRun) { [calls] context -> Nothing in
            calls.record("load \(try context.partitionKeyRange)")
            return Nothing()
        }
        let chunked = Asset("chunked", partitions: Self.week, backfillPolicy: .multiRun(maxPartitionsPerRun: 3)) {
            _ -> Nothing in Nothing()
        }
        let definitions = Definitions(assets: [load, chunked])
        let single = try await operations(definitions, storage)
            .launchBackfill("key:load", partitions: .all)
        #expect(single.runCount == 1)
        #expect(try await driver(definitions).drive(single.id).status == .completedSuccess)
        #expect(calls.count("load 2024-01-01...2024-01-07") == 1)
        let chunks = try await operations(definitions, storage)
            .launchBackfill("key:chunked", partitions: .all)
        #expect(chunks.runCount == 3)
        #expect(
            try await runs(of: chunks).map { $0.partitionRange!.description }.sorted() == [
                "2024-01-01...2024-01-03", "2024-01-04...2024-01-06", "2024-01-07...2024-01-07",
            ])
    }

    @Test func missingAndFailedSelectionsComeFromPartitionStatus() async throws {
        let definitions = chain()
        for day in ["2024-01-02", "2024-01-05"] {
            _ = try await definitions.materialize(
                "key:raw", storage: storage, defaultIOManager: memory, partition: PartitionKey(day))
        }
        let missing = try await operations(definitions, storage)
            .launchBackfill("key:raw", partitions: .missing)
        #expect(missing.runCount == 5)
        await #expect(throws: PartitionsError.self, "nothing failed") {
            try await operations(definitions, storage).launchBackfill(
                "key:raw", partitions: .failed)
        }
    }

    @Test func backfillsNeedPartitionedAssetsAndKnownKeys() async throws {
        let plain = Asset("plain") { _ in 1 }
        let daily = Asset("daily", partitions: Self.week) { _ in 1 }
        let definitions = Definitions(assets: [plain, daily])
        do {
            _ = try await operations(definitions, storage)
                .launchBackfill("*", partitions: .all)
            Issue.record("an unpartitioned asset was backfilled")
        } catch let error as PartitionsError {
            #expect(error.description.contains("'plain' is not partitioned"))
        }
        await #expect(throws: PartitionsError.self) {
            try await operations(definitions, storage).launchBackfill(
                "key:daily", partitions: .keys(["2024-02-30"]))
        }
        #expect(try await storage.backfills(limit: 10, after: nil).isEmpty)
    }
}
