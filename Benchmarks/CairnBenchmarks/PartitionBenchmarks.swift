import Cairn
import CairnSQLite
import Foundation

extension CairnBenchmarks {
    /// The moment the partition benchmarks look at their partitions from: after the last window of each.
    static let partitionsNow = Date(timeIntervalSince1970: 1_798_761_600)  // 2027-01-01T00:00:00Z

    /// Runs the partition benchmarks: status of many partitions, backfill planning, dynamic keys.
    static func partitionBenchmarks() async throws {
        try await partitionStatusBenchmark()
        try await backfillPlanningBenchmark()
        try await dynamicPartitionsBenchmark()
    }

    /// The status of 147,000 hourly partitions, 60% of them materialized at random, read back from
    /// the compact status stored in SQLite and summarized with every missing range as keys.
    static func partitionStatusBenchmark() async throws {
        let hourly = PartitionsDefinition.hourly(start: "2010-01-01-00:00", end: "2026-10-09-00:00")  // 147,000 hours
        let definitions = Definitions(assets: [Asset<Int>("events", partitions: hourly) { _ in 1 }])
        let space = try PartitionSpace(hourly, now: partitionsNow)
        try await withTemporaryStorage { storage in
            let run = Run(assetKeys: ["events"])
            try await storage.addRun(run)
            var generator = SplitMix64(seed: 7)
            let materialized = Array(0..<space.count).shuffled(using: &generator).prefix(space.count * 6 / 10)
            let batch = 5_000
            for start in stride(from: materialized.startIndex, to: materialized.endIndex, by: batch) {
                let indices = materialized[start..<min(start + batch, materialized.endIndex)]
                try await storage.append(
                    indices.map { index in
                        Event(
                            .assetMaterialization, runID: run.id, assetKey: "events",
                            partition: space.key(at: PartitionPosition(index: index)))
                    })
            }
            let first = try await measureAsync(rounds: 1) {
                // What a run does once it ended: the stored status is brought up to date.
                try await AssetPartitionStatus.refreshStored(of: "events", space: space, storage: storage)
            }
            report(
                "partition status, \(space.count) hourly: first computation (reads all \(materialized.count) events once)",
                first, target: nil)

            var summary: PartitionStatusSummary?
            var missingRanges: [PartitionKeyRange] = []
            let status = try await measureAsync(rounds: 11) {
                let (status, space) = try await definitions.partitionStatus(
                    of: "events", storage: storage, now: partitionsNow)
                let current = status.summary(in: space)
                precondition(
                    current.materialized.count + current.failed.count + current.inProgress.count
                        + current.missing.count == current.total)
                missingRanges = current.ranges(of: current.missing, in: space)
                summary = current
            }
            report("partition status, \(space.count) hourly, 60% materialized (stored status)", status, target: 0.050)
            let counts = summary!
            print(
                "    \(counts.total) partitions: \(counts.materialized.count) materialized, \(counts.failed.count) "
                    + "failed, \(counts.inProgress.count) in progress, \(counts.missing.count) missing in "
                    + "\(missingRanges.count) ranges")
            precondition(counts.materialized.count == materialized.count, "materialized partitions were lost")
        }
    }

    /// Planning and storing a backfill of every partition of 10,000 daily partitions of a chain of
    /// five assets: 10,000 runs in one transaction, waiting for their backfill's driver.
    static func backfillPlanningBenchmark() async throws {
        var times: [Double] = []
        for _ in 0..<5 {
            try await withTemporaryStorage { storage in times.append(try await planTenThousandRunBackfill(in: storage))
            }
        }
        report("backfill planning, 10k daily × 5-asset chain (10,000 runs stored)", median(times), target: 2)
    }

    /// Plans and stores a backfill of 10,000 daily partitions of a chain of five assets in
    /// `storage`; returns how long that took, in seconds.
    static func planTenThousandRunBackfill(in storage: any InstanceStorage) async throws -> Double {
        let partitions = PartitionsDefinition.daily(start: "1990-01-01", end: "2017-05-19")  // 10,000 days
        let a = Asset<Int>("a", partitions: partitions) { _ in 1 }
        let b = Asset("b", partitions: partitions, from: a) { _, value in value }
        let c = Asset("c", partitions: partitions, from: b) { _, value in value }
        let d = Asset("d", partitions: partitions, from: c) { _, value in value }
        let e = Asset("e", partitions: partitions, from: d) { _, value in value }
        let definitions = Definitions(assets: [a, b, c, d, e])
        let start = DispatchTime.now().uptimeNanoseconds
        let backfill = try await InstanceOperations(
            definitions: definitions, storage: storage, launchedBy: "benchmark", now: { partitionsNow }
        ).launchBackfill("*", partitions: .all)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let stored = try await storage.runs(matching: RunFilter(statuses: [.notStarted]), limit: 20_000, after: nil)
        precondition(
            backfill.runCount == 10_000 && stored.count == 10_000, "the backfill stored \(stored.count) runs, not 10000"
        )
        return seconds
    }

    /// Adding 100,000 keys to a dynamic partition set in a fresh SQLite file.
    static func dynamicPartitionsBenchmark() async throws {
        let keys = (0..<100_000).map { PartitionKey("customer-\($0)") }
        var times: [Double] = []
        for _ in 0..<5 {
            try await withTemporaryStorage { storage in
                let start = DispatchTime.now().uptimeNanoseconds
                try await storage.addDynamicPartitions(keys, to: "customers")
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                let stored = try await storage.dynamicPartitions("customers").keys.count
                precondition(stored == keys.count, "the set holds \(stored) keys, not \(keys.count)")
            }
        }
        report("100k dynamic partition keys, added at once", median(times), target: 2)
    }

    /// Runs `body` with SQLite storage in a new temporary directory, which it removes afterwards.
    static func withTemporaryStorage(_ body: (SQLiteStorage) async throws -> Void) async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        try await body(try SQLiteStorage(path: home.appendingPathComponent("cairn.sqlite").path))
    }
}
