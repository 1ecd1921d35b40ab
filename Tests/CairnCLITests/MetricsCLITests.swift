import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `/metrics` of a running `daemon`, `webserver` and `dev`, checked by Prometheus's own tools:
/// `promtool check metrics` and a real Prometheus server scraping `dev`.
@Suite(.serialized) struct MetricsCLITests {
    /// The path of a Prometheus tool (`prometheus`, `promtool`), which `scripts/test` installs from
    /// Debian; `nil` with the reason printed where it could not (`CAIRN_PROMETHEUS_UNAVAILABLE`). A
    /// tool missing without a reason is a failure: the test never passes without running.
    private func prometheusTool(_ name: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
            .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        if let path { return path }
        if let reason = ProcessInfo.processInfo.environment["CAIRN_PROMETHEUS_UNAVAILABLE"] {
            print("MetricsCLITests: no \(name) to check /metrics with: \(reason)")
        } else {
            Issue.record("\(name) is not installed: scripts/test installs Debian's prometheus package for this test")
        }
        return nil
    }

    /// The address the process printed after `prefix` in its log, once it did (60 s at most).
    private func printedAddress(_ prefix: String, in log: URL) async throws -> String {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let output = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line.dropFirst(prefix.count))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestTimeout(what: "'\(prefix)' in \(log.path)")
    }

    private func fetch(_ address: String) async throws -> String {
        let (data, response) = try await URLSession.shared.data(from: URL(string: address)!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200, "\(address)")
        return String(decoding: data, as: UTF8.self)
    }

    /// Runs `promtool check metrics` on `text`: its exit status and what it said.
    private func promtoolCheck(_ text: String, promtool: String) async throws -> (Int32, String) {
        try await onOwnThread {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: promtool)
            process.arguments = ["check", "metrics"]
            let input = Pipe()
            let output = Pipe()
            process.standardInput = input
            process.standardOutput = output
            process.standardError = output
            try process.run()
            input.fileHandleForWriting.write(Data(text.utf8))
            try input.fileHandleForWriting.close()
            let said = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: said, as: UTF8.self))
        }
    }

    @Test func theDaemonAndTheWebserverServeMetricsThatPromtoolAccepts() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        #expect(try weather.run("materialize", "--select", "*").status == 0)
        let (daemon, log) = try startDaemon(
            "weather", home: weather.home, ["--interval-ms", "100", "--metrics-port", "0"])
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGKILL) } }
        let address = try await printedAddress("Cairn metrics: ", in: log)
        try await Task.sleep(for: .seconds(1))
        let text = try await fetch(address)
        #expect(text.contains("cairn_runs{status=\"SUCCESS\",job=\"__ASSET_JOB\"} 1\n"), "\(text)")
        #expect(text.contains("cairn_run_queue_depth 0\n"))
        for service in ["run_queue", "run_monitoring", "schedules", "sensors", "backfills"] {
            #expect(text.contains("cairn_daemon_tick_duration_seconds_count{service=\"\(service)\"}"), "\(service)")
            #expect(text.contains("cairn_daemon_tick_lag_seconds{service=\"\(service)\"}"), "\(service)")
        }
        #expect(text.contains("cairn_sensor_ticks_total{sensor=\"new_weather_files\",status=\"SKIPPED\"}"))
        if let promtool = prometheusTool("promtool") {
            let (status, said) = try await promtoolCheck(text, promtool: promtool)
            #expect(status == 0, "promtool check metrics: \(said)\n\(text)")
        }
        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()

        let (webserver, webLog) = try startDaemon(
            "weather", home: weather.home, ["--port", "0"], command: "webserver")
        defer { if webserver.isRunning { kill(webserver.processIdentifier, SIGKILL) } }
        let ui = try await printedAddress("Cairn UI: ", in: webLog)
        _ = try await fetch(ui + "/assets")
        let served = try await fetch(ui + "/metrics")
        #expect(served.contains("cairn_runs{status=\"SUCCESS\",job=\"__ASSET_JOB\"} 1\n"), "\(served)")
        #expect(
            served.contains(
                "cairn_http_request_duration_seconds_count{route=\"/assets\",method=\"GET\",status=\"200\"} 1"),
            "\(served)")
        if let promtool = prometheusTool("promtool") {
            let (status, said) = try await promtoolCheck(served, promtool: promtool)
            #expect(status == 0, "promtool check metrics: \(said)\n\(served)")
        }
    }

    @Test func aRealPrometheusServerScrapesDev() async throws {
        guard let prometheus = prometheusTool("prometheus") else { return }
        let weather = WeatherExecutable()
        defer { weather.remove() }
        #expect(try weather.run("materialize", "--select", "*").status == 0)
        let (dev, devLog) = try startDaemon("weather", home: weather.home, ["--port", "0"], command: "dev")
        defer { if dev.isRunning { kill(dev.processIdentifier, SIGKILL) } }
        let ui = try #require(URL(string: try await printedAddress("Cairn UI: ", in: devLog)))

        let directory = weather.home.appendingPathComponent("prometheus")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("prometheus.yml")
        try """
        global:
          scrape_interval: 1s
        scrape_configs:
          - job_name: cairn
            static_configs:
              - targets: ['127.0.0.1:\(ui.port ?? 0)']
        """.write(to: config, atomically: true, encoding: .utf8)
        let port = try freePort()
        let server = Process()
        server.executableURL = URL(fileURLWithPath: prometheus)
        server.arguments = [
            "--config.file=\(config.path)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
            "--web.listen-address=127.0.0.1:\(port)",
        ]
        let serverLog = directory.appendingPathComponent("prometheus.log")
        _ = FileManager.default.createFile(atPath: serverLog.path, contents: nil)
        let handle = try FileHandle(forWritingTo: serverLog)
        server.standardOutput = handle
        server.standardError = handle
        try server.run()
        defer { if server.isRunning { kill(server.processIdentifier, SIGKILL) } }

        // Prometheus's own view: the target is up and the runs are there, as its queries see them.
        let deadline = ContinuousClock.now + .seconds(90)
        var answer = ""
        while ContinuousClock.now < deadline {
            let query = "cairn_runs{status=\"SUCCESS\"}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            answer = (try? await fetch("http://127.0.0.1:\(port)/api/v1/query?query=\(query)")) ?? ""
            if answer.contains("\"value\":[") { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        let output = (try? String(contentsOf: serverLog, encoding: .utf8)) ?? ""
        #expect(answer.contains("\"job\":\"cairn\""), "\(answer)\n\(output.suffix(2000))")
        #expect(answer.contains("\"status\":\"SUCCESS\"") && answer.contains(",\"1\"]"), "\(answer)")
        let upQuery = "up{job=\"cairn\"}".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let up = try await fetch("http://127.0.0.1:\(port)/api/v1/query?query=\(upQuery)")
        #expect(up.contains(",\"1\"]"), "\(up)")
        let targets = try await fetch("http://127.0.0.1:\(port)/api/v1/targets")
        #expect(targets.contains("\"health\":\"up\""), "\(targets)")
        #expect(targets.contains("\"lastError\":\"\""), "\(targets)")
    }

    /// A TCP port nothing listens on now.
    private func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        try withUnsafeMutablePointer(to: &address) { pointer in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                guard bind(socket, raw, length) == 0, getsockname(socket, raw, &length) == 0 else {
                    throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EADDRNOTAVAIL)
                }
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// Something a test waited for did not happen in time.
struct TestTimeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(what)" }
}
