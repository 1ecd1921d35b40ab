import Cairn
import CairnTesting
import Foundation
import Testing

@testable import Weather

/// The weather assets tested the way a user tests theirs: in-process, with hand-made samples.
@Suite struct WeatherAssetsTests {
    /// Samples of three days: the second is the hottest, the third the coldest.
    static let rows: [Sample] = [
        ("2024-04-01T06:00:00Z", 52.0), ("2024-04-01T15:00:00Z", 61.5),
        ("2024-04-02T06:00:00Z", 55.0), ("2024-04-02T15:00:00Z", 78.25),
        ("2024-04-03T06:00:00Z", 49.0), ("2024-04-03T23:59:00Z", 57.0),
    ].map { Sample(station: "SFO", valid: try! Date($0.0, strategy: .iso8601), tmpf: $0.1) }

    @Test func dailyHighsHottestAndLowestFromGivenSamples() async throws {
        let result = try await materialize([dailyHighs, hottest, lowest], values: [.of(samples, Self.rows)])
        #expect(result.succeeded)
        #expect(
            try await result.value(of: dailyHighs) == [
                DailyHigh(day: "2024-04-01", maxTmpf: 61.5), DailyHigh(day: "2024-04-02", maxTmpf: 78.25),
                DailyHigh(day: "2024-04-03", maxTmpf: 57.0),
            ])
        #expect(try await result.value(of: hottest).map(\.day) == ["2024-04-02", "2024-04-01", "2024-04-03"])
        #expect(try await result.value(of: lowest).first?.day == "2024-04-03")
        let metadata = try #require(result.metadata(of: dailyHighs))
        #expect(metadata["samples"] == .int(6))
        #expect(metadata["first_day"] == .text("2024-04-01"))
        #expect(
            metadata["schema"] == .markdown("| Name | Type |\n| ---- | ---- |\n| day | string |\n| maxTmpf | float |"))
        #expect(result.logMessages == ["Computed 3 daily highs from 6 samples"])
    }

    @Test func theShippedSampleFileCoversTheQuarter() async throws {
        let result = try await materialize([samples, dailyHighs], selection: "key:daily_temperature_highs")
        #expect(result.succeeded)
        let highs = try await result.value(of: dailyHighs)
        #expect(highs.count == 91)
        #expect(highs.first?.day == "2024-04-01")
        #expect(highs.last?.day == "2024-06-30")
        #expect(highs.allSatisfy { (45...100).contains($0.maxTmpf) })
    }
}
