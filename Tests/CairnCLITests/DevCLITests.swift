import Cairn
import CairnSQLite
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

/// `weather dev` left running, as a user would: the schedule's tick, a file landing in the
/// sensor's inbox, and automation, each leading to exactly the runs they should.
@Suite(.serialized) struct DevCLITests {
    /// The runs with tag `key` = `value`, once at least `count` of them have ended (or after `timeout`).
    private func endedRuns(
        tagged key: String, _ value: String, count: Int = 1, in storage: SQLiteStorage,
        timeout: Duration = .seconds(60)
    ) async throws -> [Run] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let runs = try await storage.runs(matching: RunFilter(tags: [key: value]), limit: 100, after: nil)
            if runs.filter(\.status.isTerminal).count >= count || ContinuousClock.now > deadline { return runs }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    @Test func devMaterializesOnTheScheduleAndWhenAFileLandsAndExplainsAutomation() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        // The clock starts two seconds before the schedule's 06:00 Vienna tick.
        let (dev, log) = try startDaemon(
            "weather", home: weather.home,
            ["--interval-ms", "100", "--clock-start", "2026-11-23T05:59:58+01:00", "--port", "0"],
            command: "dev")
        defer { if dev.isRunning { dev.terminate() } }
        let storage = try SQLiteStorage(path: CairnHome(path: weather.home.path).databasePath)

        let scheduled = try await endedRuns(tagged: Schedule.tag, "daily_weather", in: storage)
        var output = try String(contentsOf: log, encoding: .utf8)
        try #require(scheduled.count == 1, "\(output)")
        #expect(scheduled[0].status == .success, "\(output)")

        // The UI answers at the address dev printed.
        let address = try #require(
            output.split(separator: "\n").first { $0.hasPrefix("Cairn UI: http://127.0.0.1:") }?.dropFirst(10))
        let (page, response) = try await URLSession.shared.data(from: URL(string: "\(address)/assets/hottest_dates")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: page, as: UTF8.self).contains("Metadata over time"))

        let inbox = weather.home.appendingPathComponent("weather-inbox", isDirectory: true)
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        try "station,valid,tmpf\n".write(
            to: inbox.appendingPathComponent("q3.csv"), atomically: true, encoding: .utf8)
        let sensed = try await endedRuns(tagged: Sensor.tag, "new_weather_files", in: storage)
        output = try String(contentsOf: log, encoding: .utf8)
        try #require(sensed.count == 1, "\(output)")
        #expect(sensed[0].status == .success, "\(output)")
        #expect(sensed[0].tags["file"] == "q3.csv")

        // The sensor is evaluated again after its 5 s interval and finds nothing new.
        try await Task.sleep(for: .seconds(6))
        #expect(try await endedRuns(tagged: Sensor.tag, "new_weather_files", in: storage).count == 1)
        #expect(try await endedRuns(tagged: Schedule.tag, "daily_weather", in: storage).count == 1)

        let explain = try weather.run("automation", "explain", "hottest_dates")
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("hottest_dates at"))
        #expect(explain.stdout.contains("eager"))

        kill(dev.processIdentifier, SIGTERM)
        dev.waitUntilExit()
        output = try String(contentsOf: log, encoding: .utf8)
        #expect(dev.terminationStatus == 0, "\(output)")
        #expect(output.contains("schedule    daily_weather: RUNNING, next tick"))
        #expect(output.contains("sensor      new_weather_files: RUNNING"))
        #expect(output.contains("Cairn dev is running"))
        #expect(output.contains("Cairn dev stopped."))
    }
}
