import Cairn
import CairnSQLite
import Foundation
import Testing

/// Runs the built `pageviews` executable, as a user would, with its own Cairn home.
struct PageviewsExecutable {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-cli-\(UUID())")

    var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["CAIRN_HOME"] = home.path
        return environment
    }

    func run(_ arguments: String...) throws -> CommandOutput {
        try runExample("pageviews", arguments, environment: environment)
    }

    func storage() throws -> SQLiteStorage {
        try SQLiteStorage(path: CairnHome(path: home.path).databasePath)
    }

    func remove() {
        try? FileManager.default.removeItem(at: home)
    }
}

@Suite(.serialized) struct PageviewsCLITests {
    @Test func aBackfillOfAWeekStoresEachPartitionSeparately() throws {
        let pageviews = PageviewsExecutable()
        defer { pageviews.remove() }
        let launch = try pageviews.run(
            "backfill", "launch", "--select", "key:raw_page_views+ and not key:tenant_usage", "--partitions",
            "2024-01-01...2024-01-07")
        #expect(launch.status == 0, "\(launch.stdout)\(launch.stderr)")
        #expect(launch.stdout.contains("28 runs, queued."), "7 daily runs and 21 of day and region")
        #expect(launch.stdout.contains("◆ weekly_page_visits partition 2024-01-07 materialized"))
        #expect(launch.stdout.contains("COMPLETED_SUCCESS"))
        for day in 1...7 {
            for asset in ["raw_page_views", "daily_page_visits", "weekly_page_visits"] {
                let file = pageviews.home.appendingPathComponent("storage/\(asset)/2024-01-0\(day).json")
                #expect(FileManager.default.fileExists(atPath: file.path), "\(file.path)")
            }
            let regional = pageviews.home.appendingPathComponent(
                "storage/regional_page_visits/2024-01-0\(day)/emea.json")
            #expect(FileManager.default.fileExists(atPath: regional.path))
        }

        let status = try pageviews.run("partitions", "status", "--select", "key:daily_page_visits", "--stale")
        #expect(status.stdout.contains("7/91 materialized · 84 missing: 2024-01-08...2024-03-31"))
        #expect(status.stdout.contains("none of the latest 7 stale"))
        let list = try pageviews.run("backfill", "list")
        #expect(list.stdout.contains("COMPLETED_SUCCESS"))
        let id = try #require(list.stdout.split(separator: "\n").dropFirst().first?.split(separator: " ").first)
        let retry = try pageviews.run("backfill", "retry", String(id))
        #expect(retry.status != 0)
        #expect(retry.stderr.contains("every run of backfill \(id) succeeded; there is nothing to retry"))
        let unknownBackfill = try pageviews.run("backfill", "retry", "nope")
        #expect(unknownBackfill.stderr.contains("there is no backfill with id 'nope'"))

        let single = try pageviews.run("materialize", "--select", "key:daily_page_visits", "--partition", "2024-01-09")
        #expect(single.status != 0, "the 9th's raw page views are missing")
        let unknown = try pageviews.run("materialize", "--select", "key:raw_page_views", "--partition", "2024-13-01")
        #expect(unknown.stderr.contains("'2024-13-01' is not a partition of asset 'raw_page_views'"))
        let mixed = try pageviews.run("materialize", "--select", "*", "--partition", "2024-01-01")
        #expect(mixed.stderr.contains("have different partitions"))
    }

    @Test func dynamicPartitionsAreManagedFromTheCommandLine() throws {
        let pageviews = PageviewsExecutable()
        defer { pageviews.remove() }
        let add = try pageviews.run("partitions", "add", "tenants", "acme", "globex", "acme")
        #expect(add.stdout.contains("Added 2 keys to 'tenants'"))
        #expect(try pageviews.run("partitions", "list", "tenants").stdout == "acme\nglobex\n")
        let undeclared = try pageviews.run("partitions", "add", "tenant", "acme")
        #expect(undeclared.status != 0)
        #expect(undeclared.stderr.contains("no asset uses dynamic partitions named 'tenant'; did you mean 'tenants'?"))
        #expect(try pageviews.run("partitions", "remove", "tenant", "acme").status != 0)
        let invalid = try pageviews.run("partitions", "add", "tenants", "a|b")
        #expect(invalid.status != 0)
        #expect(invalid.stderr.contains("invalid dynamic partition key 'a|b'"))
        #expect(
            try pageviews.run("materialize", "--select", "key:raw_page_views", "--partition", "2024-03-31").status == 0)
        let usage = try pageviews.run("materialize", "--select", "key:tenant_usage", "--partition", "acme")
        #expect(usage.status == 0, "\(usage.stderr)")
        #expect(try pageviews.run("partitions", "remove", "tenants", "acme").stdout.contains("Removed 1 key"))
        let removed = try pageviews.run("materialize", "--select", "key:tenant_usage", "--partition", "acme")
        #expect(removed.stderr.contains("'acme' is not a partition of asset 'tenant_usage'"))
    }

    /// The driver is killed (SIGKILL) while a run executes; `backfill resume` marks that run failed,
    /// launches the rest, and no partition's run is launched twice.
    @Test func aKilledDriverResumesWithoutLaunchingAnyRunTwice() async throws {
        let pageviews = PageviewsExecutable()
        defer { pageviews.remove() }
        let queued = try pageviews.run(
            "backfill", "launch", "--select", "key:raw_page_views", "--partitions", "2024-02-01...2024-02-07",
            "--no-drive", "--max-concurrent-runs", "1")
        #expect(queued.stdout.contains("7 runs, queued."))
        let storage = try pageviews.storage()
        let backfill = try #require(try await storage.backfills(limit: 1, after: nil).first)
        #expect(backfill.maxConcurrentRuns == 1, "the backfill keeps its options for whoever drives it")

        let driver = Process()
        driver.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("pageviews")
        driver.arguments = ["backfill", "resume", backfill.id.rawValue]
        var environment = pageviews.environment
        // Slow enough that a machine busy with the whole suite still runs this test while runs are queued.
        environment["PAGEVIEWS_API_LATENCY_MS"] = "1500"
        driver.environment = environment
        driver.standardOutput = FileHandle.nullDevice
        try driver.run()
        // Wait until the driver is inside its third run, then kill it without warning.
        let deadline = Date().addingTimeInterval(30)
        func insideThirdRun() async throws -> Bool {
            let current = try await runs(of: backfill, in: storage)
            guard current.filter({ $0.status == .success }).count >= 2,
                let running = current.first(where: { $0.status == .started })
            else { return false }
            // Its step has started, so its partition is planned: killing now leaves it failed.
            return try await storage.events(ofRun: running.id, after: nil, limit: 1000).contains {
                $0.event.type == .stepStart
            }
        }
        while try await !insideThirdRun(), Date() < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(driver.processIdentifier, SIGKILL)
        driver.waitUntilExit()
        let atKill = try await runs(of: backfill, in: storage)
        #expect(atKill.contains { $0.status == .notStarted }, "the driver was killed midway")

        // On a busy machine the kill can land between two runs, after the driver finished one and
        // before it claimed the next: then no run is left half done.
        let killedMidRun = atKill.contains { [.starting, .started].contains($0.status) }
        let resume = try pageviews.run("backfill", "resume", backfill.id.rawValue)
        #expect(resume.stdout.contains("is gone; marked failed") == killedMidRun, "\(resume.stdout)")
        let after = try await runs(of: backfill, in: storage)
        #expect(after.allSatisfy { $0.status.isTerminal })
        for run in after {
            let launches = try await storage.events(ofRun: run.id, after: nil, limit: 1000).filter {
                $0.event.type == .runStarting
            }
            #expect(
                launches.count == 1, "run \(run.id) for \(run.partitionRange!) was launched \(launches.count) times")
        }
        let materialized = try await storage.events(
            ofAsset: "raw_page_views", types: [.assetMaterialization], after: nil, limit: 100)
        #expect(Set(materialized.compactMap(\.event.partition)).count == materialized.count, "each partition once")
        #expect(
            try await storage.backfill(backfill.id)?.status == (killedMidRun ? .completedFailed : .completedSuccess))

        // The failed partition is retried by a new backfill of the failed partitions.
        if killedMidRun {
            let retry = try pageviews.run(
                "backfill", "launch", "--select", "key:raw_page_views", "--partitions", "failed")
            #expect(retry.status == 0, "\(retry.stderr)")
            #expect(retry.stdout.contains("1 partition of 1 asset in 1 run"))
            // `backfill retry` backfills the partitions of this backfill whose runs did not succeed.
            let retried = try pageviews.run("backfill", "retry", backfill.id.rawValue)
            #expect(retried.status == 0, "\(retried.stderr)")
            #expect(retried.stdout.contains("1 partition of 1 asset in 1 run"))
            #expect(retried.stdout.contains("COMPLETED_SUCCESS"))
        }
        let status = try pageviews.run("partitions", "status", "--select", "key:raw_page_views")
        #expect(status.stdout.contains("7/91 materialized"))
    }

    private func runs(of backfill: Backfill, in storage: SQLiteStorage) async throws -> [Run] {
        try await storage.runs(matching: RunFilter(tags: [Backfill.tag: backfill.id.rawValue]), limit: 100, after: nil)
    }
}
