import Cairn
import CairnTesting
import Foundation
import Testing

private struct Reading: Codable, Sendable, Equatable {
    var sensor: String
    var celsius: Double
}

private let readings = SourceAsset<[Reading]>("readings", io: .csv(path: "/nonexistent/readings.csv"))
private let warm = Asset("warm_readings", from: readings) { context, rows in
    let warm = rows.filter { $0.celsius > 20 }
    context.log.info("kept \(warm.count) of \(rows.count)")
    context.addMetadata(["kept": .int(warm.count)])
    return warm
}
private let count = Asset("warm_count", from: warm) { _, rows in rows.count }

@Suite struct MaterializeHelperTests {
    @Test func runsInProcessWithGivenSourceValues() async throws {
        let rows = [Reading(sensor: "a", celsius: 25), Reading(sensor: "b", celsius: 12)]
        let result = try await materialize([warm, count], values: [.of(readings, rows)])
        #expect(result.succeeded)
        #expect(try await result.value(of: warm) == [Reading(sensor: "a", celsius: 25)])
        #expect(try await result.value(of: count) == 1)
        #expect(result.metadata(of: warm)?["kept"] == .int(1))
        #expect(result.logMessages == ["kept 1 of 2"])
        #expect(result.events(ofType: .assetMaterialization).map(\.assetKey) == ["warm_readings", "warm_count"])
        #expect(result.events.first?.event.type == .runStart)
        #expect(result.events.last?.event.type == .runSuccess)
    }

    @Test func aSelectionLimitsWhatRunsAndGivenValuesReplaceUpstreamAssets() async throws {
        let result = try await materialize(
            [readings, warm, count], selection: "key:warm_count",
            values: [.of(warm, [Reading(sensor: "z", celsius: 30)])])
        #expect(result.run.steps.map(\.key) == ["warm_count"])
        #expect(try await result.value(of: count) == 1)
    }

    @Test func failuresAreReportedNotThrown() async throws {
        let result = try await materialize([readings, warm, count])
        #expect(!result.succeeded)
        #expect(result.run.failedSteps.map(\.key) == ["warm_readings"])
        #expect(result.run.skippedSteps.map(\.key) == ["warm_count"])
        let failure = try #require(result.events(ofType: .stepFailure).first)
        #expect(failure.error?.message.contains("could not load input 'readings'") == true)
    }

    @Test func definitionErrorsAreThrownBeforeAnythingRuns() async throws {
        await #expect(throws: DefinitionsError.self) {
            _ = try await materialize([warm])
        }
    }
}
