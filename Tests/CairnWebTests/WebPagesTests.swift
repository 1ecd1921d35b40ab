import Cairn
import CairnSQLite
import CairnWeb
import Foundation
import Testing

/// Every page of the UI over a real SQLite file with materialized assets: status codes, content,
/// escaping, filters, pagination and 404s.
@Suite struct WebPagesTests {
    /// A server whose storage has raw_orders and order_summary materialized, flaky_feed failed and
    /// one partition of daily_events materialized.
    static func withMaterialized(_ body: (WebTestServer) async throws -> Void) async throws {
        try await WebTestServer.with(
            materializing: ["group:sales", "key:flaky_feed", "key:daily_events@2026-01-02"], body)
    }

    @Test func overviewShowsRunsFailuresSchedulesAndDaemonHealth() async throws {
        try await Self.withMaterialized { server in
            let page = try await server.get("/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.body.contains("Recent runs"))
            #expect(page.body.contains("the feed answered 503"))
            #expect(page.body.contains("nightly_sales"))
            #expect(page.body.contains("orders_landed"))
            #expect(page.body.contains("No daemon is running"))
        }
    }

    @Test func catalogListsAssetsWithStatusAndFilters() async throws {
        try await Self.withMaterialized { server in
            let all = try await server.get("/assets")
            #expect(all.status == 200)
            for key in ["raw_orders", "order_summary", "daily_events", "flaky_feed"] {
                #expect(all.body.contains("href=\"/assets/\(key)\""))
            }
            #expect(all.body.contains("badge failed"))
            #expect(!all.body.contains("<script>alert"))
            #expect(all.body.contains("&lt;script&gt;alert"))

            let selected = try await server.get("/assets?select=%2Bkey:order_summary")
            #expect(selected.body.contains("2 of 4 assets"))
            #expect(!selected.body.contains("href=\"/assets/flaky_feed\""))

            let byGroup = try await server.get("/assets?group=web")
            #expect(byGroup.body.contains("2 of 4 assets"))
            let byKind = try await server.get("/assets?kind=csv")
            #expect(byKind.body.contains("1 of 4 assets"))
            let byOwner = try await server.get("/assets?owner=team:data")
            #expect(byOwner.body.contains("1 of 4 assets"))
            let byTag = try await server.get("/assets?tag=tier%3Dgold")
            #expect(byTag.body.contains("1 of 4 assets"))
            let failed = try await server.get("/assets?status=failed")
            #expect(failed.body.contains("1 of 4 assets") && failed.body.contains("flaky_feed"))
            let fresh = try await server.get("/assets?status=fresh")
            #expect(fresh.body.contains("3 of 4 assets"))
            let text = try await server.get("/assets?q=ORDER")
            #expect(text.body.contains("2 of 4 assets"))
        }
    }

    @Test func statusesFollowNewMaterializations() async throws {
        try await WebTestServer.with { server in
            #expect(try await server.get("/assets?status=fresh").body.contains("0 of 4 assets"))
            _ = try await WebTestServer.materialize(
                "key:raw_orders", storage: server.storage, directory: server.directory)
            #expect(try await server.get("/assets?status=fresh").body.contains("1 of 4 assets"))
            _ = try await WebTestServer.materialize(
                "key:flaky_feed", storage: server.storage, directory: server.directory)
            #expect(try await server.get("/").body.contains("the feed answered 503"))
        }
    }

    @Test func catalogShowsABadSelectionAsAnError() async throws {
        try await WebTestServer.with { server in
            let page = try await server.get("/assets?select=key:(")
            #expect(page.status == 400)
            #expect(page.body.contains("flash error"))
            let unknown = try await server.get("/assets?select=key:raw_order")
            #expect(unknown.status == 400)
            #expect(unknown.body.contains("raw_orders"))
            let status = try await server.get("/assets?status=purple")
            #expect(status.status == 400)
        }
    }

    @Test func catalogPaginatesTenThousandAssets() async throws {
        let assets = (0..<10_000).map { index in
            Asset<Int>("asset_\(index)", group: "group_\(index % 7)", deps: index == 0 ? [] : ["asset_\(index / 2)"]) {
                _ in 1
            }
        }
        try await WebTestServer.with(Definitions(assets: [assets])) { server in
            let first = try await server.get("/assets")
            #expect(first.status == 200)
            #expect(first.body.contains("Page 1 of 200"))
            #expect(first.body.contains("href=\"/assets/asset_49\""))
            #expect(!first.body.contains("href=\"/assets/asset_50\""))
            let last = try await server.get("/assets?page=200")
            #expect(last.body.contains("href=\"/assets/asset_9999\""))
            #expect(last.body.contains("Page 200 of 200"))
            let filtered = try await server.get("/assets?select=group:group_3&page=2")
            #expect(filtered.body.contains("Page 2 of"))
            let lineage = try await server.get("/lineage")
            #expect(lineage.status == 200)
            #expect(lineage.body.contains("more than the 300 drawn at once"))
            let drawn = lineage.body.components(separatedBy: "class=\"node status-").count - 1
            #expect(drawn > 1 && drawn <= 300)
        }
    }

    @Test func assetPageShowsDefinitionMetadataPlotsChecksAndHistory() async throws {
        try await WebTestServer.with(materializing: ["group:sales", "group:sales", "group:sales"]) { server in
            let page = try await server.get("/assets/raw_orders")
            #expect(page.status == 200)
            #expect(page.body.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            #expect(!page.body.contains("<script>alert"))
            #expect(page.body.contains("<strong>shop</strong>"))
            #expect(page.body.contains("team:data") && page.body.contains("tier=gold") && page.body.contains("v1"))
            #expect(page.body.contains("href=\"/assets/order_summary\""))
            #expect(page.body.contains("<h3>Report</h3>") || page.body.contains("Report</h"))
            #expect(page.body.contains("<a href=\"https://example.com/docs\""))
            #expect(!page.body.contains("href=\"javascript:"))
            #expect(page.body.contains("<td class=\"mono\">order_id</td>"))
            #expect(page.body.contains("id=\"plot-rows\""))
            #expect(page.body.contains("<polyline"))
            #expect(page.body.contains("positive_rows") && page.body.contains("41 rows"))
            #expect(page.body.components(separatedBy: "class=\"dot passed\"").count == 4)
            #expect(page.body.contains("Materialize stale and missing"))
            #expect(page.body.components(separatedBy: "<td>materialization</td>").count == 4)
        }
    }

    @Test func assetPageOfAPartitionedAssetShowsItsPartitionBar() async throws {
        try await Self.withMaterialized { server in
            let page = try await server.get("/assets/daily_events")
            #expect(page.status == 200)
            #expect(page.body.contains("class=\"chart partitions\""))
            #expect(page.body.contains("time windows &#39;0 0 * * *&#39; (GMT) from 2026-01-01 00:00:00 UTC"))
            #expect(page.body.contains("Missing ranges"))
            #expect(page.body.contains("2026-01-01"))
            #expect(page.body.contains("Launch backfill"))
        }
    }

    @Test func lineageDrawsTheGraphASubgraphAndANeighbourhood() async throws {
        try await Self.withMaterialized { server in
            let all = try await server.get("/lineage")
            #expect(all.status == 200)
            #expect(all.body.components(separatedBy: "class=\"node status-").count - 1 == 4)
            #expect(all.body.contains("class=\"node status-failed\" data-key=\"flaky_feed\""))
            #expect(all.body.contains("class=\"node status-fresh\" data-key=\"raw_orders\""))
            #expect(all.body.contains("<path class=\"edge\""))
            #expect(all.body.contains(">sales</text>") && all.body.contains(">web</text>"))
            let subgraph = try await server.get("/lineage?select=%2Bkey:order_summary")
            #expect(subgraph.body.components(separatedBy: "class=\"node status-").count - 1 == 2)
            let focus = try await server.get("/lineage?select=%2Bkey:raw_orders%2B&focus=raw_orders")
            #expect(focus.body.contains("Open asset"))
            #expect(focus.body.contains("class=\"node status-fresh focused\" data-key=\"raw_orders\""))
            let bad = try await server.get("/lineage?select=key:(")
            #expect(bad.status == 400 && bad.body.contains("flash error"))
        }
    }

    @Test func unknownAssetIsA404WithASuggestion() async throws {
        try await WebTestServer.with { server in
            let page = try await server.get("/assets/raw_order")
            #expect(page.status == 404)
            #expect(page.body.contains("raw_orders"))
        }
    }

    @Test func runsListFiltersAndRunPageShowsLogTimelineAndErrors() async throws {
        try await Self.withMaterialized { server in
            let runs = try await server.storage.runs(matching: RunFilter(), limit: 10, after: nil)
            #expect(runs.count == 3)
            let list = try await server.get("/runs")
            #expect(list.status == 200)
            for run in runs { #expect(list.body.contains("/runs/\(run.id)")) }
            let failed = try await server.get("/runs?status=FAILURE")
            let failedRun = try #require(runs.first { $0.status == .failure })
            #expect(failed.body.contains("/runs/\(failedRun.id)"))
            #expect(failed.body.components(separatedBy: "class=\"badge failure\"").count == 2)
            let badStatus = try await server.get("/runs?status=PURPLE")
            #expect(badStatus.status == 400)
            let tagged = try await server.get("/runs?tag=dagster%2Fpartition%3D2026-01-02")
            #expect(tagged.body.components(separatedBy: "href=\"/runs/").count == 2)

            let detail = try await server.get("/runs/\(failedRun.id)")
            #expect(detail.status == 200)
            #expect(detail.body.contains("STEP_FAILURE"))
            #expect(detail.body.contains("pre class=\"error\""))
            #expect(detail.body.contains("the feed answered 503"))
            #expect(detail.body.contains("class=\"chart timeline\""))
            #expect(detail.body.contains("Re-execute from failure"))
            let filtered = try await server.get("/runs/\(failedRun.id)?type=STEP_FAILURE")
            #expect(filtered.body.components(separatedBy: "data-type=").count == 2)
        }
    }

    @Test func runPageShowsEachStepsLogsAndCapturedOutputInOrder() async throws {
        let printer = Asset<Int>("printer") { context in
            context.log.info("computing")
            context.recordCapturedOutput("<b>out</b>\n", stream: .stdout)
            context.recordCapturedOutput("warn: x\n", stream: .stderr)
            return 1
        }
        let definitions = Definitions(assets: [printer])
        try await WebTestServer.with(definitions) { server in
            let run = try await definitions.materialize(
                "*", storage: server.storage, defaultIOManager: MemoryIOManager())
            let page = try await server.get("/runs/\(run.runID)")
            #expect(
                page.body.contains(
                    "<pre class=\"output\" data-step=\"printer\">[INFO] computing\n&lt;b&gt;out&lt;/b&gt;\n"
                        + "<span class=\"stderr\">warn: x\n</span></pre>"))
            #expect(page.body.contains("data-type=\"LOGS_CAPTURED\""))
        }
    }

    @Test func unknownRunIsA404() async throws {
        try await WebTestServer.with { server in
            let page = try await server.get("/runs/no-such-run")
            #expect(page.status == 404)
            #expect(page.body.contains("no-such-run"))
        }
    }

    @Test func eventStreamSendsTheRecordsOfAnEndedRunThenEnds() async throws {
        try await Self.withMaterialized { server in
            let run = try #require(
                try await server.storage.runs(matching: RunFilter(statuses: [.success]), limit: 1, after: nil).first)
            let stream = try await server.get("/runs/\(run.id)/events")
            #expect(stream.status == 200)
            #expect(stream.headers["content-type"] == "text/event-stream")
            #expect(stream.body.contains("event: record"))
            #expect(stream.body.contains("RUN_SUCCESS"))
            #expect(stream.body.hasSuffix("event: end\ndata: SUCCESS\n\n"))
        }
    }

    @Test func schedulesSensorsBackfillsAutomationAndLaunchpadPagesAnswer() async throws {
        try await WebTestServer.with { server in
            let schedules = try await server.get("/schedules")
            #expect(schedules.status == 200 && schedules.body.contains("0 2 * * *"))
            let schedule = try await server.get("/schedules/nightly_sales")
            #expect(schedule.status == 200 && schedule.body.contains("No ticks yet"))
            #expect(try await server.get("/schedules/nightly").status == 404)
            let sensors = try await server.get("/sensors")
            #expect(sensors.status == 200 && sensors.body.contains("orders_landed"))
            let sensor = try await server.get("/sensors/orders_landed")
            #expect(sensor.status == 200 && sensor.body.contains("Preview evaluation"))
            #expect(try await server.get("/sensors/nope").status == 404)
            let backfills = try await server.get("/backfills")
            #expect(backfills.status == 200 && backfills.body.contains("No backfills yet"))
            #expect(try await server.get("/backfills/abcdefgh").status == 404)
            let automation = try await server.get("/automation")
            #expect(automation.status == 200 && automation.body.contains("No asset has an automation condition"))
            let console = try await server.get("/graphql")
            #expect(console.status == 200 && console.body.contains("type Query {"))
            let launchpad = try await server.get("/launchpad?select=key:raw_orders")
            #expect(launchpad.status == 200)
            #expect(launchpad.body.contains("raw_orders:\n    config:\n      minimum: 1"))
        }
    }

    @Test func staticFilesAreServedWithTheirTypes() async throws {
        try await WebTestServer.with { server in
            let css = try await server.get("/static/cairn.css")
            #expect(css.status == 200 && css.headers["content-type"] == "text/css; charset=utf-8")
            let script = try await server.get("/static/cairn.js")
            #expect(script.status == 200 && script.body.contains("EventSource"))
            let icon = try await server.get("/static/cairn.svg")
            #expect(icon.status == 200 && icon.headers["content-type"] == "image/svg+xml")
            #expect(try await server.get("/static/../Package.swift").status == 404)
            #expect(try await server.get("/static/cairn.css.bak").status == 404)
        }
    }
}
