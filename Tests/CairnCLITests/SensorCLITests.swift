import Foundation
import Testing

@Suite(.serialized) struct SensorCLITests {
    @Test func theFileSensorIsListedStartedPreviewedAndStopped() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let inbox = weather.home.appendingPathComponent("inbox", isDirectory: true)
        try FileManager.default.createDirectory(at: inbox, withIntermediateDirectories: true)
        func run(_ arguments: String...) throws -> CommandOutput {
            var environment = ProcessInfo.processInfo.environment
            environment["CAIRN_HOME"] = weather.home.path
            environment["WEATHER_INBOX"] = inbox.path
            return try runExample("weather", arguments, environment: environment)
        }
        let list = try run("sensor", "list")
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(
            rows.contains(["new_weather_files", "select", "'group:weather'", "5s", "RUNNING", "-", "-"]),
            "running by default")
        #expect(rows.contains(["slack_on_run_failure", "none", "(reacts", "only)", "30s", "STOPPED", "-", "-"]))
        #expect(try run("sensor", "stop", "new_weather_files").stdout.contains("Stopped sensor 'new_weather_files'"))
        #expect(try run("sensor", "list").stdout.contains("STOPPED"))

        #expect(try run("sensor", "preview", "new_weather_files").stdout.contains("would skip: no new CSV file"))
        try "valid,tmpf\n".write(to: inbox.appendingPathComponent("q3.csv"), atomically: true, encoding: .utf8)
        let preview = try run("sensor", "preview", "new_weather_files")
        #expect(preview.status == 0, "\(preview.stderr)")
        #expect(preview.stdout.contains("would request 1 run(s) of select 'group:weather'"))
        #expect(preview.stdout.contains("q3.csv@"))
        #expect(preview.stdout.contains("file=q3.csv"))

        #expect(try run("sensor", "start", "new_weather_files").stdout.contains("Started sensor 'new_weather_files'"))
        #expect(try run("sensor", "list").stdout.contains("RUNNING"))
        #expect(try run("sensor", "ticks", "new_weather_files").stdout.contains("no ticks yet"))
        #expect(try run("sensor", "stop", "new_weather_files").status == 0)
        #expect(try run("sensor", "list").stdout.contains("STOPPED"))

        let unknown = try run("sensor", "start", "new_wether_files")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("new_weather_files"))
    }
}
