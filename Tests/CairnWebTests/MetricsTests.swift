import Cairn
import CairnWeb
import Foundation
import Prometheus
import Testing

@Suite struct MetricsTests {
    @Test func metricsShowTheInstancesRunsStepsAndRequestsInTheExpositionFormat() async throws {
        let configuration = WebConfiguration(port: 0, metricsRegistry: PrometheusCollectorRegistry())
        try await WebTestServer.with(configuration: configuration, materializing: ["key:raw_orders"]) { server in
            let first = try PrometheusExposition(try await server.get("/metrics").body)
            #expect(first.value("cairn_runs", ["status": "SUCCESS", "job": Run.assetJobName]) == 1)
            #expect(first.value("cairn_materializations_total") == 0, "counted before the server started")

            _ = try await WebTestServer.materialize("group:sales", storage: server.storage, directory: server.directory)
            _ = try await WebTestServer.materialize(
                "key:flaky_feed", storage: server.storage, directory: server.directory)
            try await server.storage.addRun(Run(assetKeys: ["raw_orders"], status: .queued, createdAt: Date() - 90))
            #expect(try await server.get("/assets").status == 200)
            #expect(try await server.get("/runs/no-such-run").status == 404)

            let response = try await server.get("/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
            let metrics = try PrometheusExposition(response.body)
            #expect(metrics.types["cairn_runs"] == "gauge")
            #expect(metrics.value("cairn_runs", ["status": "SUCCESS", "job": Run.assetJobName]) == 2)
            #expect(metrics.value("cairn_runs", ["status": "FAILURE", "job": Run.assetJobName]) == 1)
            #expect(metrics.value("cairn_runs", ["status": "CANCELED", "job": Run.assetJobName]) == 0)
            #expect(metrics.value("cairn_run_queue_depth") == 1)
            let age = try #require(metrics.value("cairn_run_queue_oldest_age_seconds"))
            #expect(age >= 89 && age < 600, "\(age)")
            #expect(metrics.value("cairn_materializations_total") == 2)
            #expect(metrics.value("cairn_step_failures_total") == 1)
            #expect(metrics.types["cairn_step_duration_seconds"] == "histogram")
            // raw_orders, order_summary and the check positive_rows succeeded; flaky_feed failed.
            #expect(metrics.value("cairn_step_duration_seconds_count", ["outcome": "success"]) == 3)
            #expect(metrics.value("cairn_step_duration_seconds_count", ["outcome": "failure"]) == 1)
            #expect(
                metrics.value("cairn_run_duration_seconds_count", ["job": Run.assetJobName, "status": "SUCCESS"]) == 1)
            #expect(
                metrics.value("cairn_run_duration_seconds_bucket", ["status": "FAILURE", "le": "+Inf"]) == 1)
            #expect(
                metrics.value(
                    "cairn_http_request_duration_seconds_count", ["route": "/assets", "method": "GET", "status": "200"])
                    == 1)
            #expect(
                metrics.value("cairn_http_request_duration_seconds_count", ["route": "/runs/{id}", "status": "404"])
                    == 1,
                "a route is named by its pattern, never by the path asked for")
            #expect(!response.body.contains("no-such-run"))
        }
    }

    @Test func theParserRefusesWhatIsNotTheExpositionFormat() {
        for text in [
            "cairn_runs 1", "# TYPE x gauge\nx{a=b} 1", "# TYPE x gauge\nx 1 2 3\nx one", "# TYPE 1x gauge",
            "# TYPE x gauge\nx{a=\"\\q\"} 1",
        ] {
            #expect(throws: PrometheusExposition.ParseError.self, "\(text)") { try PrometheusExposition(text) }
        }
    }
}

/// `ServiceGroup` describes every service as it starts: by reflection, that would print the whole
/// site with its graph, which took 9 s for 10,000 assets.
@Suite struct ServiceDescriptionTests {
    @Test func aServerDescribesItselfByNameAlone() throws {
        let assets = (0..<2_000).map { index in Asset<Int>("asset_\(index)") { _ in index } }
        let server = try WebServer(
            definitions: Definitions(assets: [assets]), storage: InMemoryStorage(),
            configuration: WebConfiguration(port: 0))
        #expect("\(server)" == "web")
        #expect(
            "\(MetricsServer(exposition: MetricsExposition(storage: InMemoryStorage()), port: 0, logger: .init(label: "x")))"
                == "metrics")
    }
}
