import Cairn
import CairnPostgres
import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#endif

/// The commands, the web UI and GraphQL work unchanged on PostgreSQL (`CAIRN_STORAGE`), with a
/// schema of the test's own in the tests' server.
@Suite(.serialized) struct PostgresCLITests {
    @Test func theWeatherTourRunsOnPostgreSQL() async throws {
        let server = try TestDatabase.location()
        let schema = "cli_" + UUID().uuidString.prefix(8).lowercased()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-pg-cli-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        let storage = try await PostgresStorage.open(server.inSchema(schema))
        defer { Task { try? await storage.dropSchema() } }
        var environment = ProcessInfo.processInfo.environment
        environment["CAIRN_HOME"] = home.path
        environment["CAIRN_STORAGE"] =
            ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES_URL"]! + "&schema=\(schema)"
        func weather(_ arguments: String...) throws -> CommandOutput {
            try runExample("weather", arguments, environment: environment)
        }

        let materialize = try weather("materialize", "--select", "*")
        #expect(materialize.status == 0, "\(materialize.stdout)\(materialize.stderr)")
        #expect(materialize.stdout.contains("SUCCESS"))
        #expect(!FileManager.default.fileExists(atPath: home.appendingPathComponent("cairn.sqlite").path))
        let runs = try weather("runs")
        #expect(runs.stdout.contains("SUCCESS"), "\(runs.stdout)")
        let stored = try await storage.runs(matching: RunFilter(), limit: 10, after: nil)
        #expect(stored.count == 1 && stored[0].status == .success)
        let status = try weather("status")
        #expect(status.stdout.contains("3 fresh"), "\(status.stdout)")
        let run = try weather("run", String(stored[0].id.rawValue.prefix(8)))
        #expect(run.stdout.contains("hottest_dates"), "\(run.stdout)")
        #expect(try weather("schedule", "list").status == 0)
        #expect(try weather("prune", "--older-than-days", "30", "--dry-run").status == 0)
        let backup = try weather("backup", home.appendingPathComponent("copy.sqlite").path)
        #expect(backup.status != 0 && backup.stderr.contains("pg_dump"), "\(backup.stderr)")

        // A password given in the URL is never printed, not even in an error.
        var wrong = environment
        wrong["CAIRN_STORAGE"] = "postgresql://nobody:hunter2@127.0.0.1:1/x"
        let refused = try runExample("weather", ["runs"], environment: wrong)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("cannot connect to postgresql://nobody:***@127.0.0.1:1/x"), "\(refused.stderr)")
        #expect(!(refused.stdout + refused.stderr).contains("hunter2"))

        // The web UI and GraphQL read the same storage.
        let (web, log) = try startDaemon(
            "weather", home: home, ["--port", "0"], environment: environment, command: "webserver")
        defer { if web.isRunning { web.terminate() } }
        var address: String?
        let deadline = ContinuousClock.now + .seconds(60)
        while address == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            address = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
                .first { $0.hasPrefix("Cairn UI: ") }.map { String($0.dropFirst("Cairn UI: ".count)) }
        }
        let printed = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let base = try #require(address, "\(printed)")
        var request = URLRequest(url: URL(string: base + "/graphql")!)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(#"{"query": "{ runs { nodes { id status } } }"}"#.utf8)
        let (data, _) = try await URLSession.shared.data(for: request)
        let answer = String(decoding: data, as: UTF8.self)
        #expect(answer.contains(stored[0].id.rawValue) && answer.contains("SUCCESS"), "\(answer)")
        let (page, _) = try await URLSession.shared.data(from: URL(string: base + "/runs")!)
        #expect(String(decoding: page, as: UTF8.self).contains(String(stored[0].id.rawValue.prefix(8))))
        kill(web.processIdentifier, SIGTERM)
        web.waitUntilExit()
    }
}
