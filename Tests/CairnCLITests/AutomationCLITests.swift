import Foundation
import Testing

@Suite(.serialized) struct AutomationCLITests {
    @Test func evaluateQueuesARunAndExplainShowsWhy() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        func run(_ arguments: String...) throws -> CommandOutput {
            var environment = ProcessInfo.processInfo.environment
            environment["CAIRN_HOME"] = weather.home.path
            return try runExample("weather", arguments, environment: environment)
        }
        let never = try run("automation", "explain", "hottest_dates")
        #expect(never.status == 0, "\(never.stderr)")
        #expect(never.stdout.contains("was never evaluated"))

        #expect(try run("materialize", "--select", "daily_temperature_highs").status == 0)
        let first = try run("automation", "evaluate")
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("Evaluated 3 of 3 asset(s); nothing requested."))

        #expect(try run("materialize", "--select", "daily_temperature_highs").status == 0)
        let dryRun = try run("automation", "evaluate", "--dry-run")
        #expect(dryRun.stdout.contains("Would queue a run for hottest_dates."), "\(dryRun.stdout)")
        let second = try run("automation", "evaluate")
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("requested hottest_dates."), "\(second.stdout)")
        #expect(second.stdout.contains("Queued run "))

        let explain = try run("automation", "explain", "hottest_dates")
        #expect(explain.status == 0, "\(explain.stderr)")
        #expect(explain.stdout.contains("hottest_dates at "))
        #expect(explain.stdout.contains("requested in run "))
        #expect(explain.stdout.contains("  ✓ eager"))
        #expect(explain.stdout.contains("✓ any_deps_updated"))
        #expect(explain.stdout.contains("daily_temperature_highs materialized in run "))
        #expect(explain.stdout.contains("✗ any_deps_missing"))

        let lowest = try run("automation", "explain", "lowest_dates", "--history", "2")
        #expect(lowest.stdout.contains("✗ on_cron(0 7 * * *, Europe/Vienna)"))
        #expect(lowest.stdout.contains("(evaluation 1)"), "\(lowest.stdout)")

        let list = try run("automation", "list")
        #expect(list.stdout.contains("hottest_dates"))
        #expect(list.stdout.contains("on_cron(0 7 * * *, Europe/Vienna)"))

        let unknown = try run("automation", "explain", "hotest_dates")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("hottest_dates"), "\(unknown.stderr)")
    }
}
