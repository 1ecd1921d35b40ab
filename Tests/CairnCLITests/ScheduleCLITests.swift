import Foundation
import Testing

@Suite(.serialized) struct ScheduleCLITests {
    @Test func schedulesAreListedStartedStoppedAndPreviewed() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let list = try weather.run("schedule", "list")
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("daily_weather  0 6 * * *  Europe/Vienna  RUNNING"), "running by default")
        #expect(
            try weather.run("schedule", "start", "daily_weather").stdout.contains(
                "Schedule 'daily_weather' is already running."))
        #expect(try weather.run("schedule", "stop", "daily_weather").status == 0)
        #expect(try weather.run("schedule", "list").stdout.contains("STOPPED"))
        #expect(
            try weather.run("schedule", "start", "daily_weather").stdout.contains("Started schedule 'daily_weather'"))
        #expect(try weather.run("schedule", "list").stdout.contains("RUNNING"))
        let preview = try weather.run("schedule", "preview", "daily_weather", "--count", "2")
        #expect(preview.stdout.contains("run: select 'group:weather', run key daily_weather:"))
        #expect(try weather.run("schedule", "ticks", "daily_weather").stdout.contains("no ticks yet"))
        #expect(try weather.run("schedule", "stop", "daily_weather").status == 0)
        #expect(try weather.run("schedule", "list").stdout.contains("STOPPED"))

        let unknown = try weather.run("schedule", "start", "daily_wether")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("daily_weather"), "a did-you-mean names the schedule")
    }
}
