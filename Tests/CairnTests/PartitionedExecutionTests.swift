import Cairn
import CairnTesting
import Foundation
import Synchronization
import Testing

@Suite struct PartitionedExecutionTests {
    static let daily = PartitionsDefinition.daily(start: "2024-01-01", end: "2024-02-01")

    let storage = InMemoryStorage()
    let memory = MemoryIOManager()

    /// `sales` (the day number times ten), `change` (today minus yesterday), `week` (the last seven days).
    static func definitions(failOn failingDay: PartitionKey? = nil) -> Definitions {
        let sales = Asset("sales", partitions: daily) { context in
            let key = try context.partitionKey
            if key == failingDay { throw TestFailure(description: "no sales data for \(key)") }
            return Int(key.rawValue.suffix(2))! * 10
        }
        let change = Asset(
            "change", partitions: daily, from: sales, sales.partition(.timeWindow(startOffset: -1, endOffset: -1))
        ) { _, today, yesterday in today - yesterday }
        let week = Asset("week", partitions: daily, from: sales.partitions(.timeWindow(startOffset: -6))) {
            context, days in
            context.addMetadata(["days": .int(days.count)])
            return days.values.reduce(0, +)
        }
        return Definitions(assets: [sales, change, week])
    }

    @Test func eachPartitionIsStoredAtItsOwnPlace() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let io = JSONFileIOManager(directory: directory.path)
        let definitions = Self.definitions()
        for day in ["2024-01-01", "2024-01-02"] {
            let result = try await definitions.materialize(
                "key:sales", storage: storage, defaultIOManager: io, partition: PartitionKey(day))
            #expect(result.succeeded)
        }
        for (day, value) in [("2024-01-01", "10"), ("2024-01-02", "20")] {
            let path = io.path(for: "sales", partition: PartitionKey(day))
            #expect(path.hasSuffix("/sales/\(day).json"))
            #expect(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self) == value)
        }
        let materializations = try await storage.materializations(of: "sales", before: nil, limit: 10)
        #expect(Set(materializations.compactMap(\.event.partition)) == ["2024-01-01", "2024-01-02"])
        let latest = try await storage.latestMaterializations(of: "sales", partitions: ["2024-01-01", "2024-01-03"])
        #expect(latest.keys.sorted() == ["2024-01-01"])
    }

    @Test func mappedInputsLoadTheUpstreamPartitionsTheyMapTo() async throws {
        let definitions = Self.definitions()
        for day in 1...4 {
            let key = PartitionKey("2024-01-0\(day)")
            #expect(
                try await definitions.materialize(
                    "key:sales", storage: storage, defaultIOManager: memory, partition: key
                ).succeeded)
        }
        let result = try await definitions.materialize(
            "key:change or key:week", storage: storage, defaultIOManager: memory, partition: "2024-01-04")
        #expect(result.succeeded)
        #expect(
            try await definitions.loadValue(
                of: Asset<Int>.reference("change"), partition: "2024-01-04", defaultIOManager: memory) == 10)
        #expect(
            try await definitions.loadValue(
                of: Asset<Int>.reference("week"), partition: "2024-01-04", defaultIOManager: memory) == 100)
        let events = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
        let week = try #require(events.first { $0.type == .assetMaterialization && $0.assetKey == "week" })
        #expect(week.partition == "2024-01-04")
        #expect(week.metadata["days"] == .int(4), "the three days before the first one do not exist")
        let planned = events.filter { $0.type == .assetMaterializationPlanned }.map { $0.assetKey!.description }
        #expect(Set(planned) == ["change", "week"])
    }

    @Test func theDayBeforeTheFirstHasNoPartitionToLoad() async throws {
        let definitions = Self.definitions()
        _ = try await definitions.materialize(
            "key:sales", storage: storage, defaultIOManager: memory, partition: "2024-01-01")
        let result = try await definitions.materialize(
            "key:change", storage: storage, defaultIOManager: memory, partition: "2024-01-01")
        #expect(!result.succeeded)
        let failure = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
            .first { $0.type == .stepFailure }
        #expect(failure?.error?.message.contains("no partition of 'sales' maps to partition 2024-01-01") == true)
        let failed = try await storage.events(
            ofAsset: "change", types: [.assetFailedToMaterialize], after: nil, limit: 10)
        #expect(failed.map(\.event.partition) == ["2024-01-01"])
    }

    @Test func runsOfPartitionedAssetsNeedAKnownPartition() async throws {
        let definitions = Self.definitions()
        await #expect(throws: PartitionsError.self) {
            try await definitions.materialize("key:sales", storage: storage, defaultIOManager: memory)
        }
        do {
            _ = try await definitions.materialize(
                "key:sales", storage: storage, defaultIOManager: memory, partition: "2024-01-32")
            Issue.record("an unknown partition was accepted")
        } catch let error as PartitionsError {
            #expect(error.description.contains("'2024-01-32' is not a partition of asset 'sales'"))
        }
        await #expect(throws: PartitionsError.self, "a range needs a single-run backfill policy") {
            try await definitions.materialize(
                "key:sales", storage: storage, defaultIOManager: memory,
                partitionRange: PartitionKeyRange("2024-01-01", "2024-01-03"))
        }
        let unpartitioned = Definitions(assets: [Asset("plain") { _ in 1 }])
        await #expect(throws: PartitionsError.self) {
            try await unpartitioned.materialize("*", storage: storage, defaultIOManager: memory, partition: "x")
        }
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty, "no run was created")
    }

    @Test func singleRunAssetsGetTheWholeRange() async throws {
        let seen = CallCounter()
        let load = Asset("load", partitions: Self.daily, backfillPolicy: .singleRun) { context -> Nothing in
            let range = try context.partitionKeyRange
            seen.record("\(range)")
            #expect(try context.partitionKeys.count == 5)
            let window = try context.partitionTimeWindow
            #expect(window.end.timeIntervalSince(window.start) == 5 * 86_400)
            #expect(throws: PartitionsError.self) { try context.partitionKey }
            return Nothing()
        }
        let result = try await Definitions(assets: [load]).materialize(
            "*", storage: storage, defaultIOManager: memory,
            partitionRange: PartitionKeyRange("2024-01-03", "2024-01-07"))
        #expect(result.succeeded)
        #expect(seen.count("2024-01-03...2024-01-07") == 1)
        let materialized = try await storage.events(
            ofAsset: "load", types: [.assetMaterialization], after: nil, limit: 10)
        #expect(materialized.count == 5)
    }

    @Test func singleRunPoliciesNeedAssetsThatStoreTheirOwnData() throws {
        let value = Asset("value", partitions: Self.daily, backfillPolicy: .singleRun) { _ in 1 }
        #expect(throws: DefinitionsError.self) { try Definitions(assets: [value]).assetGraph }
    }

    @Test func checksOfPartitionedAssetsRunPerPartition() async throws {
        let sales = Asset("sales", partitions: Self.daily) { context in
            Int(try context.partitionKey.rawValue.suffix(2))!
        }
        let positive = AssetCheck("positive", on: sales) { context, value in
            CheckResult(passed: value > 1, description: "partition \(try context.partitionKey)")
        }
        let definitions = Definitions(assets: [sales], checks: [positive])
        let result = try await definitions.materialize(
            "*", storage: storage, defaultIOManager: memory, partition: "2024-01-01")
        #expect(result.succeeded, "a failing non-blocking check does not fail the run")
        let evaluation = try #require(
            try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
                .first { $0.type == .assetCheckEvaluation })
        #expect(evaluation.partition == "2024-01-01")
        #expect(evaluation.checkEvaluation?.passed == false)
        #expect(evaluation.checkEvaluation?.description == "partition 2024-01-01")
    }

    @Test func statusCountsMaterializedFailedAndMissingPartitions() async throws {
        let definitions = Self.definitions(failOn: "2024-01-03")
        for day in ["2024-01-01", "2024-01-02", "2024-01-03"] {
            _ = try await definitions.materialize(
                "key:sales", storage: storage, defaultIOManager: memory, partition: PartitionKey(day))
        }
        let now = ISO8601Timestamp.parse("2024-01-10T00:00:00Z")!
        let (status, space) = try await definitions.partitionStatus(of: "sales", storage: storage, now: now)
        let summary = status.summary(in: space)
        #expect(summary.total == 9)
        #expect(summary.materialized.count == 2)
        #expect(space.keys(in: summary.failed) == ["2024-01-03"])
        #expect(summary.missing.count == 6)
        #expect(summary.ranges(of: summary.missing, in: space) == [PartitionKeyRange("2024-01-04", "2024-01-09")])
        let stored = try #require(try await storage.partitionStatus(of: "sales"))
        let lastEvent = try await storage.events(after: nil, types: nil, limit: 1000).last!.id
        #expect(stored.cursor <= lastEvent)

        // A later success of the failed day clears the failure, read from the new events only.
        let fixed = Self.definitions()
        _ = try await fixed.materialize(
            "key:sales", storage: storage, defaultIOManager: memory, partition: "2024-01-03")
        let (after, _) = try await fixed.partitionStatus(of: "sales", storage: storage, now: now)
        #expect(after.summary(in: space).failed.isEmpty)
        #expect(after.summary(in: space).materialized.count == 3)
    }

    @Test func partitionsOfARunThatDiedAreFailedOnceItEnds() async throws {
        let run = Run(assetKeys: ["sales"])
        try await storage.addRun(run)
        try await storage.append([
            Event(.runStart, runID: run.id),
            Event(.assetMaterializationPlanned, runID: run.id, assetKey: "sales", partition: "2024-01-02"),
        ])
        let definitions = Self.definitions()
        let now = ISO8601Timestamp.parse("2024-01-10T00:00:00Z")!
        var (status, space) = try await definitions.partitionStatus(of: "sales", storage: storage, now: now)
        #expect(space.keys(in: status.summary(in: space).inProgress) == ["2024-01-02"])
        try await storage.append([Event(.runFailure, runID: run.id, message: "worker died")])
        (status, space) = try await definitions.partitionStatus(of: "sales", storage: storage, now: now)
        #expect(status.summary(in: space).inProgress.isEmpty)
        #expect(space.keys(in: status.summary(in: space).failed) == ["2024-01-02"])
    }

    @Test func dynamicPartitionsAreAddedAtRunTime() async throws {
        let customers = Asset("customer_report", partitions: .dynamic("customers")) { context in
            "report for \(try context.partitionKey)"
        }
        let definitions = Definitions(assets: [customers])
        await #expect(throws: PartitionsError.self) {
            try await definitions.materialize("*", storage: storage, defaultIOManager: memory, partition: "acme")
        }
        try await storage.addDynamicPartitions(["acme", "globex"], to: "customers")
        let result = try await definitions.materialize(
            "*", storage: storage, defaultIOManager: memory, partition: "acme")
        #expect(result.succeeded)
        #expect(
            try await definitions.loadValue(
                of: Asset<String>.reference("customer_report"), partition: "acme", defaultIOManager: memory)
                == "report for acme")
    }

    @Test func multiPartitionedAssetsMapToOneDimension() async throws {
        let multi = PartitionsDefinition.multi(["region": .static(["eu", "us"]), "date": Self.daily])
        let daily = Asset("daily_total", partitions: Self.daily) { context in
            Int(try context.partitionKey.rawValue.suffix(2))!
        }
        let regional = Asset("regional", partitions: multi, from: daily) { context, total in
            "\(try context.partitionKey): \(total)"
        }
        let definitions = Definitions(assets: [daily, regional])
        _ = try await definitions.materialize(
            "key:daily_total", storage: storage, defaultIOManager: memory, partition: "2024-01-05")
        let result = try await definitions.materialize(
            "key:regional", storage: storage, defaultIOManager: memory, partition: "2024-01-05|us")
        #expect(result.succeeded)
        #expect(
            try await definitions.loadValue(
                of: Asset<String>.reference("regional"), partition: "2024-01-05|us", defaultIOManager: memory)
                == "2024-01-05|us: 5")
    }
}

extension PartitionedExecutionTests {
    @Test func reexecutionKeepsTheRunsPartition() async throws {
        let failed = try await Self.definitions(failOn: "2024-01-03").materialize(
            "key:sales", storage: storage, defaultIOManager: memory, partition: "2024-01-03")
        #expect(!failed.succeeded)
        let retried = try await operations(Self.definitions(), storage, io: memory).reexecute(
            failed.runID, fromFailure: true)
        #expect(retried.succeeded)
        #expect(try await storage.run(retried.runID)?.partitionRange == PartitionKeyRange("2024-01-03", "2024-01-03"))
        let latest = try await storage.latestMaterializations(of: "sales", partitions: ["2024-01-03"])
        #expect(latest["2024-01-03"]?.event.runID == retried.runID)
    }

    @Test func aPartitionIsStaleWhenTheUpstreamPartitionsItMapsToChange() async throws {
        let offset = SharedValue(0)
        let sales = Asset("sales", partitions: Self.daily) { context in
            Int(try context.partitionKey.rawValue.suffix(2))! + offset.value
        }
        let week = Asset("week", partitions: Self.daily, from: sales.partitions(.timeWindow(startOffset: -6))) {
            _, days in days.values.reduce(0, +)
        }
        let definitions = Definitions(assets: [sales, week])
        for day in 1...9 {
            _ = try await definitions.materialize(
                "*", storage: storage, defaultIOManager: memory, partition: PartitionKey("2024-01-0\(day)"))
        }
        let keys: [PartitionKey] = ["2024-01-02", "2024-01-08", "2024-01-09"]
        var statuses = try await definitions.partitionStatuses(
            of: "week", partitions: keys + ["2024-01-20"], storage: storage)
        #expect(keys.allSatisfy { statuses[$0] == .fresh })
        #expect(statuses["2024-01-20"] == .missing)

        // Sales of the 3rd change: the weeks that include the 3rd are stale, the others are not.
        offset.value = 100
        _ = try await definitions.materialize(
            "key:sales", storage: storage, defaultIOManager: memory, partition: "2024-01-03")
        statuses = try await definitions.partitionStatuses(of: "week", partitions: keys, storage: storage)
        #expect(statuses["2024-01-08"] == .stale([.newerUpstreamData("sales")]))
        #expect(statuses["2024-01-09"] == .stale([.newerUpstreamData("sales")]), "its week is the 3rd to the 9th")
        #expect(statuses["2024-01-02"] == .fresh, "its week ends before the 3rd")
    }
}

/// A value shared with asset functions, changed by a test between runs.
final class SharedValue<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

extension Asset {
    /// A reference to an asset by key, for loading its value in tests.
    static func reference(_ key: AssetKey) -> AssetKeyReference<Output> { AssetKeyReference(key: key) }
}

/// A typed reference to an asset known only by its key.
struct AssetKeyReference<Value: Codable & Sendable>: AssetReference {
    let key: AssetKey
}
