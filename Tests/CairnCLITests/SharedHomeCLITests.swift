import Cairn
import CairnSQLite
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Two daemons on one home, as two replicas would run: every file the sensor finds becomes exactly
/// one run, launched exactly once.
@Suite(.serialized) struct SharedHomeCLITests {
    @Test func twoDaemonsOnOneSQLiteFileCreateAndLaunchEachRunOnce() async throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let inbox = weather.home.appendingPathComponent("weather-inbox", isDirectory: true)
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        let files = ["a.csv", "b.csv", "c.csv"]
        for file in files {
            try "station,valid,tmpf\n".write(to: inbox.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        // The second daemon keeps its log in a folder of its own, and uses the same home.
        let first = try startDaemon(
            "weather", home: weather.home, ["--interval-ms", "20"], environment: ["WEATHER_INBOX": inbox.path])
        let second = try startDaemon(
            "weather", home: weather.home.appendingPathComponent("second"),
            ["--interval-ms", "20", "--home", weather.home.path], environment: ["WEATHER_INBOX": inbox.path])
        defer {
            for daemon in [first.0, second.0] where daemon.isRunning { daemon.terminate() }
        }
        let storage = try SQLiteStorage(path: CairnHome(path: weather.home.path).databasePath)
        let deadline = ContinuousClock.now + .seconds(60)
        var runs: [Run] = []
        while ContinuousClock.now < deadline {
            runs = try await storage.runs(
                matching: RunFilter(tags: [Sensor.tag: "new_weather_files"]), limit: 100, after: nil)
            if runs.count >= files.count, runs.allSatisfy(\.status.isTerminal) { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        // Both daemons have evaluated the sensor more than once by now.
        try await Task.sleep(for: .seconds(6))
        runs = try await storage.runs(
            matching: RunFilter(tags: [Sensor.tag: "new_weather_files"]), limit: 100, after: nil)
        let logs = try [first.1, second.1].map { try String(contentsOf: $0, encoding: .utf8) }.joined(separator: "\n")
        #expect(runs.count == files.count, "\(logs)")
        #expect(Set(runs.compactMap { $0.tags["file"] }) == Set(files))
        #expect(runs.allSatisfy { $0.status == .success }, "\(logs)")
        for run in runs {
            let events = try await storage.events(ofRun: run.id, after: nil, limit: 1000)
            #expect(events.filter { $0.event.type == .runStarting }.count == 1, "run \(run.id) was claimed once")
            #expect(events.filter { $0.event.type == .runStart }.count == 1, "run \(run.id) started once")
        }
        let launched = logs.components(separatedBy: "Launched run").count - 1
        #expect(launched == files.count, "each run is launched by one daemon only")
    }
}
