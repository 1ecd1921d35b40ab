import Cairn
import CairnSQLite
import CairnWeb
import Foundation
import Testing

/// The forms that change something: each queues, stores or toggles what it says, refuses bad
/// input with a clear page, and needs the CSRF token.
@Suite struct WebActionsTests {
    @Test func materializeQueuesARunAndRedirectsToIt() async throws {
        try await WebTestServer.with { server in
            let response = try await server.post("/assets/materialize", form: ["select": "group:sales"])
            #expect(response.status == 303)
            let location = try #require(response.location)
            #expect(location.hasPrefix("/runs/"))
            let run = try #require(try await server.storage.run(RunID(String(location.dropFirst(6)))))
            #expect(run.status == .queued)
            #expect(run.assetKeys == ["raw_orders", "order_summary"])
            #expect(run.tags["cairn/launched_by"] == "web")
            let page = try await server.get(location)
            #expect(page.body.contains("QUEUED") && page.body.contains("Terminate"))
            #expect(try await server.get("/runs").body.contains("<meta name=\"cairn-refresh\" content=\"5\">"))
            #expect(try await server.get("/").body.contains("<meta name=\"cairn-refresh\""))
        }
    }

    @Test func materializeStaleAndMissingQueuesOnlyWhatIsStale() async throws {
        try await WebTestServer.with(materializing: ["key:raw_orders"]) { server in
            let response = try await server.post(
                "/assets/materialize", form: ["select": "+key:order_summary", "stale_only": "1"])
            let location = try #require(response.location)
            let run = try #require(try await server.storage.run(RunID(String(location.dropFirst(6)))))
            #expect(run.assetKeys == ["order_summary"])
        }
    }

    @Test func aBadSelectionOrPartitionIsA400Page() async throws {
        try await WebTestServer.with { server in
            let bad = try await server.post("/assets/materialize", form: ["select": "key:nope"])
            #expect(bad.status == 400)
            #expect(bad.body.contains("nope"))
            let unpartitioned = try await server.post("/assets/materialize", form: ["select": "key:daily_events"])
            #expect(unpartitioned.status == 400)
            let unknownPartition = try await server.post(
                "/assets/materialize", form: ["select": "key:daily_events", "partition": "1999-01-01"])
            #expect(unknownPartition.status == 400)
            #expect(try await server.storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
        }
    }

    @Test func postsWithoutTheCSRFTokenAreRefusedAndChangeNothing() async throws {
        try await WebTestServer.with { server in
            let missing = try await server.post("/assets/materialize", form: ["select": "*"], csrf: "")
            #expect(missing.status == 403)
            let wrong = try await server.post("/assets/materialize", form: ["select": "*"], csrf: "0123")
            #expect(wrong.status == 403)
            #expect(wrong.body.contains("CSRF"))
            #expect(try await server.storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
        }
    }

    @Test func terminateCancelsAQueuedRunAndReexecuteQueuesANewOne() async throws {
        try await WebTestServer.with(materializing: ["key:flaky_feed"]) { server in
            let failed = try #require(try await server.storage.runs(matching: RunFilter(), limit: 1, after: nil).first)
            let again = try await server.post("/runs/\(failed.id)/reexecute", form: ["from_failure": "1"])
            #expect(again.status == 303)
            let newID = RunID(String(try #require(again.location).dropFirst(6)))
            let queued = try #require(try await server.storage.run(newID))
            #expect(queued.status == .queued && queued.parentRunID == failed.id)
            let terminated = try await server.post("/runs/\(newID)/terminate", form: [:])
            #expect(terminated.status == 303)
            #expect(try await server.storage.run(newID)?.status == .canceled)
            let unknown = try await server.post("/runs/nope/terminate", form: [:])
            #expect(unknown.status == 404)
            let running = try await server.post("/runs/\(newID)/reexecute", form: [:])
            #expect(running.status == 303)
        }
    }

    @Test func schedulesAndSensorsStartAndStop() async throws {
        try await WebTestServer.with { server in
            #expect(try await server.post("/schedules/nightly_sales/start", form: [:]).status == 303)
            #expect(try await server.storage.scheduleState("nightly_sales")?.status == .running)
            let page = try await server.get("/schedules/nightly_sales")
            #expect(page.body.contains("RUNNING") && page.body.contains("Next ticks"))
            #expect(try await server.post("/schedules/nightly_sales/stop", form: [:]).status == 303)
            #expect(try await server.storage.scheduleState("nightly_sales")?.status == .stopped)
            #expect(try await server.post("/schedules/nightly/start", form: [:]).status == 404)
            #expect(try await server.post("/schedules/nightly_sales/pause", form: [:]).status == 404)

            #expect(try await server.post("/sensors/orders_landed/start", form: [:]).status == 303)
            #expect(try await server.storage.scheduleState("sensor:orders_landed")?.status == .running)
            let preview = try await server.post("/sensors/orders_landed/preview", form: [:])
            #expect(preview.status == 200)
            #expect(preview.body.contains("Would skip: no new orders file"))
        }
    }

    @Test func backfillsLaunchShowProgressAndCancel() async throws {
        try await WebTestServer.with { server in
            let launched = try await server.post(
                "/backfills", form: ["select": "key:daily_events", "partitions": "2026-01-01...2026-01-03"])
            #expect(launched.status == 303)
            let location = try #require(launched.location)
            let page = try await server.get(location)
            #expect(page.status == 200)
            #expect(page.body.contains("3 partition(s)"))
            #expect(page.body.contains("Cancel backfill"))
            let id = String(location.dropFirst("/backfills/".count))
            #expect(try await server.post("/backfills/\(id)/cancel", form: [:]).status == 303)
            let backfill = try #require(try await server.storage.backfill(BackfillID(id)))
            #expect(backfill.status == .canceled || backfill.status == .canceling)
            let list = try await server.get("/backfills")
            #expect(list.body.contains(id))
            let canceled = try await server.get(location)
            #expect(canceled.body.contains("Retry: backfill what did not succeed"))
            let retried = try await server.post("/backfills/\(id)/retry", form: [:])
            #expect(retried.status == 303)
            let retriedID = BackfillID(String(try #require(retried.location).dropFirst("/backfills/".count)))
            let again = try #require(try await server.storage.backfill(retriedID))
            #expect(again.partitionCount == 3 && again.tags["cairn/retried_backfill"] == id)
            #expect(try await server.post("/backfills/\(retriedID)/retry", form: [:]).status == 409)
            #expect(try await server.post("/backfills/nope/retry", form: [:]).status == 404)
            let unpartitioned = try await server.post("/backfills", form: ["select": "key:raw_orders"])
            #expect(unpartitioned.status == 400)
        }
    }

    @Test func launchpadValidatesConfigAtItsLinesAndLaunches() async throws {
        try await WebTestServer.with { server in
            let yaml = "ops:\n  raw_orders:\n    config:\n      minimum: many\n"
            let invalid = try await server.post(
                "/launchpad", form: ["select": "key:raw_orders", "config": yaml, "action": "launch"])
            #expect(invalid.status == 400)
            #expect(invalid.body.contains("line 4: "))
            #expect(invalid.body.contains("class=\"line bad\"><span class=\"number\">4</span>"))
            let crlf = try await server.post(
                "/launchpad",
                form: ["select": "key:raw_orders", "config": yaml.replacingOccurrences(of: "\n", with: "\r\n")])
            #expect(crlf.body.contains("class=\"line bad\"><span class=\"number\">4</span>"), "browsers send CRLF")
            let syntax = try await server.post(
                "/launchpad", form: ["select": "key:raw_orders", "config": "ops: [\n", "action": "validate"])
            #expect(syntax.status == 400)
            let unknownStep = try await server.post(
                "/launchpad", form: ["select": "key:raw_orders", "config": "ops:\n  raw_order:\n    config: {}\n"])
            #expect(unknownStep.body.contains("did you mean &#39;raw_orders&#39;"))
            #expect(try await server.storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)

            let good = "ops:\n  raw_orders:\n    config:\n      minimum: 5\n"
            let validated = try await server.post(
                "/launchpad", form: ["select": "key:raw_orders", "config": good, "action": "validate"])
            #expect(validated.status == 200 && validated.body.contains("Valid: the run would execute 1 asset(s)"))
            #expect(try await server.storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
            let launched = try await server.post(
                "/launchpad",
                form: ["select": "key:raw_orders", "config": good, "tags": "team=data\nticket=42", "action": "launch"])
            #expect(launched.status == 303)
            let location = try #require(launched.location)
            let run = try #require(try await server.storage.run(RunID(String(location.dropFirst(6)))))
            #expect(run.tags["team"] == "data" && run.tags["ticket"] == "42")
            #expect(
                run.runConfig
                    == .object(["ops": .object(["raw_orders": .object(["config": .object(["minimum": .number(5)])])])]))
        }
    }

    @Test func aReadOnlyServerShowsNoButtonsAndRefusesChanges() async throws {
        try await WebTestServer.with(configuration: WebConfiguration(port: 0, readOnly: true)) { server in
            let page = try await server.get("/assets/raw_orders")
            #expect(!page.body.contains("action=\"/assets/materialize\""))
            let post = try await server.post("/assets/materialize", form: ["select": "*"])
            #expect(post.status == 403)
            #expect(post.body.contains("read-only"))
            #expect(try await server.storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
        }
    }
}
