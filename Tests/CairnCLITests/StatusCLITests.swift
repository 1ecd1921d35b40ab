import Foundation
import Testing

@Suite(.serialized) struct StatusCLITests {
    /// The STATUS cell of each asset in `status` output, between the header and the summary line.
    private func statuses(in output: String) -> [String: String] {
        var result: [String: String] = [:]
        for line in output.split(separator: "\n").dropFirst().dropLast() {
            let cells = line.split(separator: " ", omittingEmptySubsequences: true)
            if cells.count >= 2 { result[String(cells[0])] = String(cells[1]) }
        }
        return result
    }

    @Test func statusShowsMissingBeforeAndFreshAfterMaterializing() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }

        let before = try weather.run("status")
        #expect(before.status == 0, "\(before.stderr)")
        #expect(before.stdout.hasPrefix("ASSET"))
        #expect(before.stdout.contains("WHY"))
        #expect(before.stdout.contains("LAST MATERIALIZATION"))
        #expect(
            statuses(in: before.stdout) == [
                "sfo_q2_weather_sample": "source", "daily_temperature_highs": "missing", "hottest_dates": "missing",
                "lowest_dates": "missing",
            ])
        #expect(before.stdout.contains("3 missing, 1 source of 4 assets"))

        #expect(try weather.run("materialize", "--select", "*").status == 0)
        let after = try weather.run("status")
        #expect(after.status == 0, "\(after.stderr)")
        #expect(
            statuses(in: after.stdout) == [
                "sfo_q2_weather_sample": "source", "daily_temperature_highs": "fresh", "hottest_dates": "fresh",
                "lowest_dates": "fresh",
            ])
        #expect(!after.stdout.contains("never"))
        #expect(after.stdout.contains("3 fresh, 1 source of 4 assets"))

        let one = try weather.run("status", "--select", "key:hottest_dates")
        #expect(one.status == 0)
        #expect(statuses(in: one.stdout) == ["hottest_dates": "fresh"])
        #expect(one.stdout.contains("1 fresh of 1 asset"))

        let unknown = try weather.run("status", "--select", "key:hottest")
        #expect(unknown.status != 0)
        #expect(unknown.stderr.contains("unknown asset 'hottest'"))
    }

    @Test func observeNeedsAnObservableSourceAsset() throws {
        let weather = WeatherExecutable()
        defer { weather.remove() }
        let observe = try weather.run("observe", "--select", "*")
        #expect(observe.status != 0)
        #expect(observe.stderr.contains("the selection has no observable source assets"))
        #expect(try weather.run("observe", "--help").stdout.contains("USAGE"))
        #expect(try weather.run("status", "--help").stdout.contains("USAGE"))
    }
}
