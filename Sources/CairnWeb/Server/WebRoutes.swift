import Cairn
import Foundation
import Hummingbird

/// Every address of the UI: pages answer GET, changes answer POST and redirect to the page that
/// shows their result.
struct WebRoutes: Sendable {
    let site: WebSite
    let graphQL: GraphQLEndpoint

    func register(on router: Router<some RequestContext>) {
        registerStatic(on: router)
        router.get("/") { request, _ in try await page(OverviewPage.render(site: site)) }
        router.get("/assets") { request, _ in
            let (html, status) = try await AssetCatalogPage.render(query(request), site: site)
            return Response.html(html, status: status)
        }
        router.get("/assets/**") { request, context in
            let path = context.parameters.getCatchAll().map { String($0).removingPercentEncoding ?? String($0) }
            let index = try site.index(ofAsset: AssetKey(path: path))
            return try await page(AssetPage.render(index, query: query(request), site: site))
        }
        router.post("/assets/materialize") { request, _ in
            let form = try await form(request)
            let selection = try form["select"] ?? { throw WebError.badRequest("choose what to materialize") }()
            let run = try await site.operations.queueRun(
                .selection(selection), partitionRange: form["partition"].map { PartitionKeyRange(PartitionKey($0)) },
                staleOrMissingOnly: form["stale_only"] != nil)
            return Response.redirect(to: "/runs/\(run.id)", type: .normal)
        }

        router.get("/lineage") { request, _ in
            let (html, status) = try await LineagePage.render(query(request), site: site)
            return Response.html(html, status: status)
        }
        router.get("/runs") { request, _ in try await page(RunsPage.render(query(request), site: site)) }
        router.get("/runs/:id") { request, context in
            try await page(RunPage.render(try runID(context), query: query(request), site: site))
        }
        router.get("/runs/:id/events") { request, context in
            RunEventStream(site: site).response(
                for: try runID(context), after: query(request)["after"].flatMap { Int64($0) })
        }
        router.post("/runs/:id/reexecute") { request, context in
            let form = try await form(request)
            let run = try await site.operations.queueReexecution(
                of: try runID(context), fromFailure: form["from_failure"] != nil)
            return Response.redirect(to: "/runs/\(run.id)", type: .normal)
        }
        router.post("/runs/:id/terminate") { _, context in
            let termination = try await site.operations.terminate(try runID(context))
            return Response.redirect(to: "/runs/\(termination.run.id)", type: .normal)
        }
        router.get("/launchpad") { request, _ in try await page(LaunchpadPage.render(query(request), site: site)) }
        router.post("/launchpad") { request, _ in try await LaunchpadPage.submit(try await form(request), site: site) }
        router.get("/schedules") { _, _ in try await page(SchedulesPage.render(site: site)) }
        router.get("/schedules/:name") { _, context in
            try await page(SchedulesPage.renderSchedule(try context.parameters.require("name"), site: site))
        }
        router.post("/schedules/:name/:action") { _, context in
            let name = try context.parameters.require("name")
            _ = try await site.operations.setSchedule(name, running: try startOrStop(context))
            return Response.redirect(to: "/schedules/\(WebFormat.pathComponent(name))", type: .normal)
        }
        router.get("/sensors") { _, _ in try await page(SensorsPage.render(site: site)) }
        router.get("/sensors/:name") { request, context in
            try await page(SensorsPage.renderSensor(try context.parameters.require("name"), site: site))
        }
        router.post("/sensors/:name/preview") { _, context in
            try await page(SensorsPage.renderSensor(try context.parameters.require("name"), preview: true, site: site))
        }
        router.post("/sensors/:name/:action") { _, context in
            let name = try context.parameters.require("name")
            _ = try await site.operations.setSensor(name, running: try startOrStop(context))
            return Response.redirect(to: "/sensors/\(WebFormat.pathComponent(name))", type: .normal)
        }
        router.get("/backfills") { request, _ in try await page(BackfillsPage.render(query(request), site: site)) }
        router.post("/backfills") { request, _ in
            let form = try await form(request)
            let selection = try form["select"] ?? { throw WebError.badRequest("choose the assets to backfill") }()
            let backfill = try await site.operations.launchBackfill(
                selection, partitions: PartitionSelection(parsing: form["partitions"] ?? "missing"))
            return Response.redirect(to: "/backfills/\(backfill.id)", type: .normal)
        }
        router.get("/backfills/:id") { _, context in
            try await page(BackfillsPage.renderBackfill(BackfillID(try context.parameters.require("id")), site: site))
        }
        router.post("/backfills/:id/cancel") { _, context in
            let backfill = try await site.operations.cancelBackfill(BackfillID(try context.parameters.require("id")))
            return Response.redirect(to: "/backfills/\(backfill.id)", type: .normal)
        }
        router.post("/backfills/:id/retry") { _, context in
            let backfill = try await site.operations.retryBackfill(BackfillID(try context.parameters.require("id")))
            return Response.redirect(to: "/backfills/\(backfill.id)", type: .normal)
        }
        router.get("/automation") { _, _ in try await page(AutomationPage.render(site: site)) }
        router.get("/graphql") { _, _ in try graphQL.page() }
        router.post("/graphql") { request, _ in try await graphQL.execute(request) }
        router.get("/login") { request, _ in
            page(LoginPage.render(next: query(request)["next"], failed: false, site: site))
        }
        router.post("/login") { request, context in
            let address = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "unknown"
            let client = LoginThrottle.client(ofAddress: address)
            return try await LoginPage.submit(try await form(request), client: client, site: site)
        }
        router.post("/logout") { request, _ in LoginPage.logout(request, site: site) }
    }

    private func registerStatic(on router: Router<some RequestContext>) {
        router.get("/static/cairn.css") { _, _ in staticFile(Stylesheet.css, type: "text/css; charset=utf-8") }
        router.get("/static/cairn.js") { _, _ in
            staticFile(ClientScript.javaScript, type: "text/javascript; charset=utf-8")
        }
        router.get("/static/cairn.svg") { _, _ in staticFile(Logo.document, type: "image/svg+xml") }
    }

    private func page(_ html: String) -> Response { .html(html) }

    private func staticFile(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func query(_ request: Request) -> FormFields {
        FormFields(request.uri.query ?? "")
    }

    private func form(_ request: Request) async throws -> FormFields {
        var request = request
        return FormFields(
            String(buffer: try await request.collectBody(upTo: WebSite.maxBodySize)))
    }

    private func runID(_ context: some RequestContext) throws -> RunID {
        RunID(try context.parameters.require("id"))
    }

    private func startOrStop(_ context: some RequestContext) throws -> Bool {
        switch try context.parameters.require("action") {
        case "start": return true
        case "stop": return false
        case let other: throw WebError.notFound("no action '\(other)'; use start or stop")
        }
    }
}
