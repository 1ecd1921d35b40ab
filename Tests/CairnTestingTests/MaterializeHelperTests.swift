import Cairn
import CairnTesting
import Foundation
import Synchronization
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

/// The error of an upstream system that is down.
private struct Outage: Error {}

/// Fails until told otherwise, for re-execution tests.
private final class Switch: Sendable {
    private let isOn = Synchronization.Mutex(true)
    var on: Bool { isOn.withLock { $0 } }
    func turnOff() { isOn.withLock { $0 = false } }
}

@Suite struct TestingHelperTests {
    @Test func aFailedRunIsReexecutedFromFailureOnTheSameValues() async throws {
        let failing = Switch()
        let base = Asset("base") { _ in [1, 2, 3] }
        let total = Asset("total", from: base) { _, values in
            if failing.on { throw Outage() }
            return values.reduce(0, +)
        }
        let first = try await materialize([base, total])
        #expect(!first.succeeded)
        failing.turnOff()
        let second = try await first.reexecute()
        #expect(second.succeeded)
        #expect(second.run.steps.map(\.key) == ["total"])
        #expect(try await second.value(of: total) == 6)
        #expect(try await second.statuses()["total"] == .fresh)
    }

    @Test func sourceAssetsAreObserved() async throws {
        let feed = SourceAsset<[Int]>("feed") { _ in ObservationResult(dataVersion: "v7") }
        let result = try await materialize([feed], scope: .observations)
        #expect(result.events(ofType: .assetObservation).first?.dataVersion == "v7")
    }

    @Test func jobsRunWithTheirOutputsInMemory() async throws {
        let extract = Op("extract") { _ in [2, 3] }
        let double = Op("double", from: extract) { _, values in values.map { $0 * 2 } }
        let result = try await execute(Job("doubler", ops: [extract, double]))
        #expect(result.succeeded)
        #expect(try await result.value(of: double) == [4, 6])
        #expect(result.events(ofType: .assetMaterialization).isEmpty)
    }
}
