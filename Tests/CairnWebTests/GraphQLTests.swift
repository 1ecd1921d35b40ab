import Cairn
import CairnSQLite
import CairnWeb
import Foundation
import Testing

/// The GraphQL API over HTTP: every query and mutation, pagination, and errors.
@Suite struct GraphQLTests {
    /// Posts `query` with `variables` and returns the decoded JSON.
    static func graphQL(_ server: WebTestServer, _ query: String, variables: [String: Any] = [:]) async throws
        -> [String: Any]
    {
        let body = try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables])
        let response = try await server.send(
            "/graphql", method: "POST", headers: ["Content-Type": "application/json"], body: body)
        #expect(response.status == 200)
        return try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as! [String: Any]
    }

    static func errors(_ result: [String: Any]) -> [String] {
        (result["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
    }

    @Test func assetsAreListedWithStatusAndPaginated() async throws {
        try await WebTestServer.with(materializing: ["group:sales"]) { server in
            let first = try await Self.graphQL(
                server,
                "{ assets(first: 3) { totalCount nodes { key status group kinds latestMaterialization { runId metadata { label type value } } } pageInfo { hasNextPage endCursor } } }"
            )
            let page = (first["data"] as! [String: Any])["assets"] as! [String: Any]
            #expect(page["totalCount"] as? Int == 4)
            let nodes = page["nodes"] as! [[String: Any]]
            #expect(nodes.map { $0["key"] as! String } == ["raw_orders", "daily_events", "flaky_feed"])
            #expect(nodes[0]["status"] as? String == "FRESH")
            #expect(nodes[1]["status"] as? String == "MISSING")
            let metadata = (nodes[0]["latestMaterialization"] as! [String: Any])["metadata"] as! [[String: Any]]
            #expect(metadata.contains { $0["label"] as? String == "rows" && $0["value"] as? String == "41" })
            let info = page["pageInfo"] as! [String: Any]
            #expect(info["hasNextPage"] as? Bool == true)
            let next = try await Self.graphQL(
                server,
                "query($after: String) { assets(first: 3, after: $after) { nodes { key } pageInfo { hasNextPage } } }",
                variables: ["after": info["endCursor"] as! String])
            let rest = (next["data"] as! [String: Any])["assets"] as! [String: Any]
            #expect((rest["nodes"] as! [[String: Any]]).map { $0["key"] as! String } == ["order_summary"])
            #expect((rest["pageInfo"] as! [String: Any])["hasNextPage"] as? Bool == false)

            let selected = try await Self.graphQL(server, #"{ assets(select: "+key:order_summary") { totalCount } }"#)
            #expect(((selected["data"] as! [String: Any])["assets"] as! [String: Any])["totalCount"] as? Int == 2)
            let bad = try await Self.graphQL(server, #"{ assets(select: "key:(") { totalCount } }"#)
            #expect(Self.errors(bad).first?.contains("invalid asset selection") == true)
            let tooMany = try await Self.graphQL(server, "{ assets(first: 5000) { totalCount } }")
            #expect(Self.errors(tooMany).first?.contains("first must be between 1 and 1000") == true)
        }
    }

    @Test func oneAssetItsGraphPartitionsAndMaterializations() async throws {
        try await WebTestServer.with(materializing: ["group:sales", "key:daily_events@2026-01-02"]) { server in
            let result = try await Self.graphQL(
                server,
                #"""
                { asset(key: "order_summary") { key upstream downstream description tags { key value } }
                  assetGraph { nodes { key status } edges { from to } }
                  assetPartitions(key: "daily_events") { total materialized missing }
                  materializations(key: "raw_orders", first: 5) { runId timestamp } }
                """#)
            #expect(Self.errors(result).isEmpty)
            let data = result["data"] as! [String: Any]
            let asset = data["asset"] as! [String: Any]
            #expect(asset["upstream"] as? [String] == ["raw_orders"])
            let graph = data["assetGraph"] as! [String: Any]
            #expect((graph["nodes"] as! [Any]).count == 4)
            #expect((graph["edges"] as! [[String: String]]) == [["from": "raw_orders", "to": "order_summary"]])
            let partitions = data["assetPartitions"] as! [String: Any]
            #expect(partitions["materialized"] as? Int == 1)
            #expect((partitions["total"] as! Int) > 300)
            #expect((data["materializations"] as! [Any]).count == 1)
            let compact = try await Self.graphQL(server, #"{ assetGraph(select: "group:sales") { json } }"#)
            let json = try #require(
                ((compact["data"] as? [String: Any])?["assetGraph"] as? [String: Any])?["json"] as? String)
            let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as! [String: Any]
            #expect(
                (decoded["nodes"] as! [[String: Any]]).map { $0["key"] as! String } == ["raw_orders", "order_summary"])
            #expect((decoded["edges"] as! [[String: String]]) == [["from": "raw_orders", "to": "order_summary"]])
            let unknown = try await Self.graphQL(server, #"{ asset(key: "raw_order") { key } }"#)
            #expect(Self.errors(unknown) == ["there is no asset 'raw_order'; did you mean 'raw_orders'?"])
        }
    }

    @Test func runsEventsAndFilters() async throws {
        try await WebTestServer.with(materializing: ["group:sales", "key:flaky_feed"]) { server in
            let result = try await Self.graphQL(
                server, #"{ runs(statuses: ["FAILURE"]) { nodes { id status assetKeys } pageInfo { hasNextPage } } }"#)
            let runs = ((result["data"] as! [String: Any])["runs"] as! [String: Any])["nodes"] as! [[String: Any]]
            #expect(runs.count == 1 && runs[0]["assetKeys"] as? [String] == ["flaky_feed"])
            let id = runs[0]["id"] as! String
            let events = try await Self.graphQL(
                server, "query($id: String!) { run(id: $id) { status } runEvents(id: $id, first: 100) { type error } }",
                variables: ["id": id])
            let data = events["data"] as! [String: Any]
            #expect((data["run"] as! [String: Any])["status"] as? String == "FAILURE")
            let log = data["runEvents"] as! [[String: Any]]
            #expect(
                log.contains {
                    $0["type"] as? String == "STEP_FAILURE" && ($0["error"] as? String)?.contains("503") == true
                })
            let paged = try await Self.graphQL(
                server, "{ runs(first: 1) { nodes { id } pageInfo { hasNextPage endCursor } } }")
            let info = ((paged["data"] as! [String: Any])["runs"] as! [String: Any])["pageInfo"] as! [String: Any]
            #expect(info["hasNextPage"] as? Bool == true)
            let unknown = try await Self.graphQL(server, #"{ run(id: "nope") { id } }"#)
            #expect(Self.errors(unknown) == ["there is no run with id 'nope'"])
            let badStatus = try await Self.graphQL(server, #"{ runs(statuses: ["PURPLE"]) { nodes { id } } }"#)
            #expect(Self.errors(badStatus).first?.hasPrefix("unknown run status 'PURPLE'") == true)
        }
    }

    @Test func schedulesSensorsBackfillsAutomationDaemonAndJobs() async throws {
        try await WebTestServer.with { server in
            let result = try await Self.graphQL(
                server,
                "{ schedules { name cron status nextTick } sensors { name status cursor minimumIntervalSeconds } backfills { nodes { id } } automationEvaluations { assetKey } daemonHealth { service } jobs }"
            )
            #expect(Self.errors(result).isEmpty)
            let data = result["data"] as! [String: Any]
            #expect((data["schedules"] as! [[String: Any]])[0]["name"] as? String == "nightly_sales")
            #expect((data["sensors"] as! [[String: Any]])[0]["minimumIntervalSeconds"] as? Double == 30)
            #expect((data["daemonHealth"] as! [Any]).isEmpty)
        }
    }

    @Test func mutationsLaunchReexecuteTerminateToggleAndBackfill() async throws {
        try await WebTestServer.with { server in
            let launched = try await Self.graphQL(
                server,
                #"mutation { launchRun(select: "key:raw_orders", tags: ["team=data"], runConfigYaml: "ops:\n  raw_orders:\n    config:\n      minimum: 3\n") { id status tags { key value } } }"#
            )
            #expect(Self.errors(launched).isEmpty)
            let run = (launched["data"] as! [String: Any])["launchRun"] as! [String: Any]
            #expect(run["status"] as? String == "QUEUED")
            let id = run["id"] as! String
            #expect(try await server.storage.run(RunID(id))?.tags["team"] == "data")
            let terminated = try await Self.graphQL(
                server, "mutation($id: String!) { terminateRun(id: $id) { status } }", variables: ["id": id])
            #expect(
                ((terminated["data"] as! [String: Any])["terminateRun"] as! [String: Any])["status"] as? String
                    == "CANCELED")
            let again = try await Self.graphQL(
                server, "mutation($id: String!) { reexecuteRun(id: $id) { status parentRunId } }", variables: ["id": id]
            )
            #expect(
                ((again["data"] as! [String: Any])["reexecuteRun"] as! [String: Any])["parentRunId"] as? String == id)

            let badConfig = try await Self.graphQL(
                server,
                #"mutation { launchRun(select: "key:raw_orders", runConfigYaml: "ops:\n  raw_orders:\n    config:\n      minimum: lots\n") { id } }"#
            )
            #expect(Self.errors(badConfig).first?.hasPrefix("runConfigYaml:4: ") == true, "\(Self.errors(badConfig))")
            let both = try await Self.graphQL(server, #"mutation { launchRun(select: "*", job: "x") { id } }"#)
            #expect(Self.errors(both).first?.contains("either select") == true)

            let started = try await Self.graphQL(
                server, #"mutation { startSchedule(name: "nightly_sales") stopSensor(name: "orders_landed") }"#)
            #expect((started["data"] as! [String: Any])["startSchedule"] as? String == "RUNNING")
            let unknown = try await Self.graphQL(server, #"mutation { startSensor(name: "order_landed") }"#)
            #expect(Self.errors(unknown).first?.contains("did you mean 'orders_landed'") == true)

            let backfill = try await Self.graphQL(
                server,
                #"mutation { launchBackfill(select: "key:daily_events", partitions: "2026-01-01...2026-01-02") { id partitionCount } }"#
            )
            let created = (backfill["data"] as! [String: Any])["launchBackfill"] as! [String: Any]
            #expect(created["partitionCount"] as? Int == 2)
            let canceled = try await Self.graphQL(
                server, "mutation($id: String!) { cancelBackfill(id: $id) { status } }",
                variables: ["id": created["id"] as! String])
            #expect(Self.errors(canceled).isEmpty)
            let noDynamic = try await Self.graphQL(
                server, #"mutation { addDynamicPartitions(name: "regions", keys: ["eu"]) }"#)
            #expect(Self.errors(noDynamic).first?.contains("no asset uses dynamic partitions named 'regions'") == true)
        }
    }

    @Test func dynamicPartitionsAreAddedAndDeleted() async throws {
        let regional = Asset<Int>("regional", partitions: .dynamic("regions")) { _ in 1 }
        try await WebTestServer.with(Definitions(assets: [regional])) { server in
            let added = try await Self.graphQL(
                server, #"mutation { addDynamicPartitions(name: "regions", keys: ["eu", "us", "eu"]) }"#)
            #expect((added["data"] as! [String: Any])["addDynamicPartitions"] as? Int == 2)
            let deleted = try await Self.graphQL(
                server, #"mutation { deleteDynamicPartitions(name: "regions", keys: ["us"]) }"#)
            #expect((deleted["data"] as! [String: Any])["deleteDynamicPartitions"] as? Int == 1)
            #expect(try await server.storage.dynamicPartitions("regions").keys.map(\.rawValue) == ["eu"])
        }
    }

    @Test func aReadOnlyServerRefusesMutations() async throws {
        try await WebTestServer.with(configuration: WebConfiguration(port: 0, readOnly: true)) { server in
            let result = try await Self.graphQL(server, #"mutation { launchRun(select: "*") { id } }"#)
            #expect(Self.errors(result).first?.contains("read-only") == true)
            #expect(try await server.storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
        }
    }

    @Test func theSchemaDescribesQueriesAndMutations() throws {
        let sdl = try CairnGraphQL.sdl()
        #expect(sdl.contains("type Query {"))
        #expect(sdl.contains("type Mutation {\n  launchRun(\n    select: String\n    job: String\n"))
        #expect(sdl.contains("  asset(key: String!): Asset!\n"))
        #expect(sdl.contains("  terminateRun(id: String!): Run!\n"))
    }
}
