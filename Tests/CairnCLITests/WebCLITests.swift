import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `webserver`, `schema`, and the web options of `dev`: refusals say what to do.
@Suite(.serialized) struct WebCLITests {
    @Test func schemaPrintsTheGraphQLSDL() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let schema = try weather.run("schema")
        #expect(schema.status == 0)
        #expect(schema.stdout.contains("type Query {") && schema.stdout.contains("type Mutation {"))
    }

    @Test func anotherAddressThanLoopbackIsRefusedWithoutCredentials() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let refused = try weather.run("webserver", "--host", "0.0.0.0", "--port", "0")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("binding 0.0.0.0") && refused.stderr.contains("CAIRN_WEB_TOKEN"))
        let badPort = try weather.run("dev", "--port", "70000")
        #expect(badPort.status != 0)
        #expect(badPort.stderr.contains("--port must be between 0 and 65535"))
    }

    @Test func aSecondServerOnTheSamePortSaysSo() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let (first, log) = try startDaemon("weather", home: weather.home, ["--port", "0"], command: "webserver")
        defer { if first.isRunning { first.terminate() } }
        var address: Substring?
        let deadline = ContinuousClock.now + .seconds(30)
        while address == nil, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
            address = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
                .first { $0.hasPrefix("Cairn UI: ") }?.dropFirst("Cairn UI: http://127.0.0.1:".count)
        }
        let port = try #require(address.map(String.init))
        let second = try weather.run("webserver", "--port", port)
        #expect(second.status != 0)
        #expect(second.stderr.contains("127.0.0.1:\(port) is in use"), "\(second.stderr)")
        kill(first.processIdentifier, SIGTERM)
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
        #expect(try String(contentsOf: log, encoding: .utf8).contains("Cairn webserver stopped."))
    }
}
