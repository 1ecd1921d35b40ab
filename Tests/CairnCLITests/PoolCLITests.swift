import Cairn
import CairnSQLite
import Foundation
import Testing

@Suite(.serialized) struct PoolCLITests {
    @Test func poolsAreSetListedAndDeleted() async throws {
        let pageviews = PageviewsExecutable()
        defer { pageviews.remove() }
        let empty = try pageviews.run("pool", "list")
        #expect(empty.status == 0, "\(empty.stderr)")
        #expect(empty.stdout.contains("pageviews_api  unlimited  0       -"), "the example's pool, without a limit")

        let set = try pageviews.run("pool", "set", "pageviews_api", "2")
        #expect(set.status == 0, "\(set.stderr)")
        #expect(set.stdout == "Set the limit of pool 'pageviews_api' to 2.\n")
        #expect(try await pageviews.storage().concurrencyPools() == [ConcurrencyPool(name: "pageviews_api", limit: 2)])
        let typo = try pageviews.run("pool", "set", "pageviews_apu", "1")
        #expect(typo.status == 0, "a pool of another code location may be limited")
        #expect(typo.stdout.contains("no asset or op of this code location uses pool 'pageviews_apu'"))
        #expect(typo.stdout.contains("did you mean 'pageviews_api'?"))

        let storage = try pageviews.storage()
        let run = Run(assetKeys: ["raw_page_views"], status: .started)
        try await storage.addRun(run)
        _ = try await storage.claimPoolSlot("pageviews_api", runID: run.id, stepKey: "raw_page_views", at: Date())
        let list = try pageviews.run("pool", "list")
        #expect(list.stdout.contains("POOL           LIMIT  IN USE  HOLDERS (RUN/STEP)"), "\(list.stdout)")
        #expect(list.stdout.contains("pageviews_api  2      1       \(run.id.short)/raw_page_views"))
        #expect(list.stdout.contains("pageviews_apu  1      0       -"))

        let deleted = try pageviews.run("pool", "delete", "pageviews_apu")
        #expect(deleted.stdout == "Deleted the limit of pool 'pageviews_apu'; it now has no limit.\n")
        #expect(try pageviews.run("pool", "default", "3").stdout == "Set the default pool limit to 3.\n")
        #expect(try pageviews.run("pool", "default").stdout.contains("the default limit 3"))
        let withDefault = try pageviews.run("pool", "delete", "pageviews_api")
        #expect(withDefault.stdout.contains("it now has the default limit 3"))
        #expect(try pageviews.run("pool", "list").stdout.contains("pageviews_api  3 (default)  1"))
        #expect(try pageviews.run("pool", "default", "--unset").status == 0)
        #expect(try await storage.defaultPoolLimit() == nil)
    }

    @Test func badLimitsNamesAndUnknownPoolsAreClearErrors() throws {
        let pageviews = PageviewsExecutable()
        defer { pageviews.remove() }
        let negative = try pageviews.run("pool", "set", "pageviews_api", "-1")
        #expect(negative.status != 0)
        #expect(negative.stderr.contains("the limit of pool 'pageviews_api' must be 0 or more, not -1"))
        let notANumber = try pageviews.run("pool", "set", "pageviews_api", "three")
        #expect(notANumber.status != 0)
        #expect(notANumber.stderr.contains("must be a whole number of slots, not 'three'"))
        let spaced = try pageviews.run("pool", "set", "page views", "1")
        #expect(spaced.status != 0)
        #expect(spaced.stderr.contains("use 'page_views' instead"))
        let missing = try pageviews.run("pool", "set", "pageviews_api")
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("give one limit after the pool's name"))
        let negativeDefault = try pageviews.run("pool", "default", "--", "-2")
        #expect(negativeDefault.stderr.contains("the default pool limit must be 0 or more, not -2"))

        #expect(try pageviews.run("pool", "set", "pageviews_api", "1").status == 0)
        let unknown = try pageviews.run("pool", "delete", "pageviews_apl")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("pool 'pageviews_apl' has no limit to delete; did you mean 'pageviews_api'?"))
        let unrelated = try pageviews.run("pool", "delete", "warehouse")
        #expect(unrelated.stderr.contains("pools with limits: pageviews_api"))
    }

    @Test func aMaterializationWaitsForASlotHeldByAnotherRun() async throws {
        let pageviews = PageviewsExecutable()
        defer { pageviews.remove() }
        #expect(try pageviews.run("pool", "set", "pageviews_api", "1").status == 0)
        let storage = try pageviews.storage()
        let holder = Run(assetKeys: ["raw_page_views"], status: .started)
        try await storage.addRun(holder)
        _ = try await storage.claimPoolSlot("pageviews_api", runID: holder.id, stepKey: "raw_page_views", at: Date())

        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("pageviews")
        process.arguments = ["materialize", "--select", "key:raw_page_views", "--partition", "2024-01-02"]
        process.environment = pageviews.environment
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        var waiting: EventRecord?
        for _ in 0..<1000 where waiting == nil {
            waiting = try await storage.events(after: nil, types: [.engineEvent], limit: 10).first
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(
            waiting?.event.message
                == "Step \"raw_page_views\" waiting for a slot in pool pageviews_api (limit 1, in use 1)")
        #expect(process.isRunning, "the run waits while another run holds the only slot")
        try await storage.releasePoolSlot("pageviews_api", runID: holder.id, stepKey: "raw_page_views")
        let printed = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let progress = String(decoding: printed, as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(progress)")
        #expect(progress.contains("  ⏸ raw_page_views waiting for a slot in pool pageviews_api (limit 1, in use 1)\n"))
        #expect(try await storage.concurrencyPools() == [ConcurrencyPool(name: "pageviews_api", limit: 1)])
    }
}
