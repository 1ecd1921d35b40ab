import Foundation
import Synchronization
import Testing

@testable import Cairn

/// Counts how many steps run at once.
private final class ConcurrencyProbe: Sendable {
    private let state = Mutex((current: 0, peak: 0))

    func enter() {
        state.withLock {
            $0.current += 1
            $0.peak = max($0.peak, $0.current)
        }
    }
    func leave() { state.withLock { $0.current -= 1 } }
    var peak: Int { state.withLock { $0.peak } }
}

private struct Boom: Error, CustomStringConvertible {
    var description: String { "the extraction API answered 503" }
}

@Suite struct ExecutorTests {
    let storage = InMemoryStorage()
    let memory = MemoryIOManager()

    @Test func eventsOfASuccessfulRunFollowDagstersOrder() async throws {
        let a = Asset("a") { context in
            context.log.info("computing a")
            context.addMetadata(["rows": 2])
            return [1, 2]
        }
        let b = Asset("b", from: a) { _, values in values.reduce(0, +) }
        let definitions = Definitions(assets: [a, b])
        let result = try await definitions.materialize("*", storage: storage, defaultIOManager: memory)
        #expect(result.succeeded)
        #expect(result.steps.map(\.key) == ["a", "b"])

        let events = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
        #expect(
            events.map(\.type) == [
                .runStart,
                .stepStart, .logs, .stepOutput, .handledOutput, .assetMaterialization, .stepSuccess,
                .stepStart, .loadedInput, .stepOutput, .handledOutput, .assetMaterialization, .stepSuccess,
                .runSuccess,
            ])
        let log = try #require(events.first { $0.type == .logs })
        #expect(log.message == "computing a")
        #expect(log.stepKey == "a")
        let materialization = try #require(events.first { $0.type == .assetMaterialization })
        #expect(materialization.assetKey == "a")
        #expect(materialization.metadata["rows"] == .int(2))

        let run = try #require(try await storage.run(result.runID))
        #expect(run.status == .success)
        #expect(run.startedAt != nil && run.endedAt != nil)
        #expect(run.assetKeys == ["a", "b"])
        #expect(run.selection == "*")
        let latest = try await storage.latestMaterializations(of: ["a", "b", "c"])
        #expect(Set(latest.keys) == ["a", "b"])
        let value = try await definitions.loadValue(of: b, defaultIOManager: memory)
        #expect(value == 3)
    }

    @Test func failureSkipsDownstreamWhileIndependentBranchesFinish() async throws {
        let a = Asset("a") { _ in 1 }
        let b = Asset("b", from: a) { _, _ -> Int in throw Boom() }
        let c = Asset("c", from: b) { _, x in x }
        let d = Asset("d", deps: ["c"]) { _ in 0 }
        let e = Asset("e") { _ in 5 }
        let f = Asset("f", from: e) { _, x in x * 2 }
        let result = try await Definitions(assets: [a, b, c, d, e, f]).materialize(
            "*", storage: storage, defaultIOManager: memory, maxConcurrency: 1)
        #expect(result.status == .failure)
        #expect(result.failedSteps.map(\.key) == ["b"])
        #expect(result.skippedSteps.map(\.key).sorted() == ["c", "d"])
        #expect(result.succeededSteps.map(\.key).sorted() == ["a", "e", "f"])

        let events = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
        let failure = try #require(events.first { $0.type == .stepFailure })
        #expect(failure.stepKey == "b")
        #expect(failure.error?.message == "the extraction API answered 503")
        #expect(failure.error?.type.hasSuffix("Boom") == true)
        let skipped = events.filter { $0.type == .stepSkipped }
        #expect(skipped.map(\.stepKey) == ["c", "d"])
        #expect(skipped.first?.message.contains("upstream step b did not succeed") == true)
        #expect(events.last?.type == .runFailure)
        #expect(events.last?.message.contains("steps failed: b") == true)
        #expect(try await storage.run(result.runID)?.status == .failure)
    }

    @Test func readyStepsRunConcurrentlyUpToTheLimit() async throws {
        let probe = ConcurrencyProbe()
        let assets = (0..<6).map { index in
            Asset(AssetKey("parallel_\(index)")) { _ in
                probe.enter()
                try await Task.sleep(for: .milliseconds(30))
                probe.leave()
                return index
            }
        }
        let result = try await Definitions(assets: [assets]).materialize(
            "*", storage: storage, defaultIOManager: memory, maxConcurrency: 2)
        #expect(result.succeeded)
        #expect(probe.peak == 2)
    }

    @Test func multiAssetStoresEachOutputWithItsOwnMetadata() async throws {
        let numbers = Asset("numbers") { _ in [1, 2, 3, 4, 5] }
        let evens = AssetOut<[Int]>("evens")
        let odds = AssetOut<[Int]>("odds")
        let split = MultiAsset("split", outs: evens, odds, from: numbers) { context, values in
            let even = values.filter { $0 % 2 == 0 }
            context.addMetadata(["count": .int(even.count)], for: "evens")
            context.addMetadata(["source": "numbers"])
            return (even, values.filter { $0 % 2 == 1 })
        }
        let definitions = Definitions(assets: [numbers, split])
        let result = try await definitions.materialize("*", storage: storage, defaultIOManager: memory)
        #expect(result.steps.map(\.key) == ["numbers", "split"])
        #expect(try await definitions.loadValue(of: odds, defaultIOManager: memory) == [1, 3, 5])
        let latest = try await storage.latestMaterializations(of: ["evens", "odds"])
        #expect(latest["evens"]?.event.metadata == ["count": 2, "source": "numbers"])
        #expect(latest["odds"]?.event.metadata == ["source": "numbers"])
    }

    @Test func jsonFilesPersistValuesBetweenRunsAndReportMissingOnes() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-json-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let io = JSONFileIOManager(directory: directory)
        let a = Asset("warehouse/a") { _ in ["x", "y"] }
        let b = Asset("b", from: a) { _, rows in rows.count }
        let definitions = Definitions(assets: [a, b])

        let missing = try await definitions.materialize("key:b", storage: storage, defaultIOManager: io)
        #expect(!missing.succeeded)
        let failure = try await storage.events(ofRun: missing.runID, after: nil, limit: 100).map(\.event)
            .first { $0.type == .stepFailure }
        #expect(
            failure?.error?.message.contains(
                "could not load input 'warehouse/a' of 'b': no value of asset 'warehouse/a' is stored") == true)

        let first = try await definitions.materialize("key:warehouse/a", storage: storage, defaultIOManager: io)
        #expect(first.succeeded)
        let path = directory + "/warehouse/a.json"
        #expect(FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } == #"["x","y"]"#)
        let materialization = try await storage.latestMaterializations(of: ["warehouse/a"])["warehouse/a"]
        #expect(materialization?.event.metadata["path"] == .path(path))
        #expect(materialization?.event.metadata["row_count"] == .int(2))

        let second = try await definitions.materialize("key:b", storage: storage, defaultIOManager: io)
        #expect(second.succeeded)
        #expect(try await definitions.loadValue(of: b, defaultIOManager: io) == 2)
    }

    @Test func nothingOutputsStoreNoValue() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-nothing-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let sideEffect = Asset("side_effect") { context in
            context.addMetadata(["written": true])
            return Nothing()
        }
        let after = Asset("after", deps: ["side_effect"]) { _ in 1 }
        let result = try await Definitions(assets: [sideEffect, after]).materialize(
            "*", storage: storage, defaultIOManager: JSONFileIOManager(directory: directory))
        #expect(result.succeeded)
        #expect(!FileManager.default.fileExists(atPath: directory + "/side_effect.json"))
        let latest = try await storage.latestMaterializations(of: ["side_effect"])
        #expect(latest["side_effect"]?.event.metadata == ["written": true])
    }

    @Test func selectingOnlySourceAssetsIsAPlanError() async throws {
        let source = SourceAsset<[Int]>("raw")
        let derived = Asset("derived", from: source) { _, rows in rows.count }
        await #expect(throws: PlanError.nothingToMaterialize(["raw"])) {
            try await Definitions(assets: [source, derived]).materialize(
                "key:raw", storage: storage, defaultIOManager: memory)
        }
    }

    @Test func observerSeesEveryStoredEventInOrder() async throws {
        let seen = Mutex<[Int64]>([])
        let a = Asset("a") { _ in 1 }
        let result = try await Definitions(assets: [a]).materialize(
            "*", storage: storage, defaultIOManager: memory,
            observer: { record in seen.withLock { $0.append(record.id) } })
        let stored = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.id)
        #expect(seen.withLock { $0 } == stored)
    }
}

@Suite struct DataVersionTests {
    @Test func materializationsRecordTheirDataVersionAndWhatTheyWereComputedFrom() async throws {
        let storage = InMemoryStorage()
        let memory = MemoryIOManager()
        let a = Asset("a") { _ in [1, 2] }
        let b = Asset("b", codeVersion: "7", from: a) { _, values in values.count }
        let chosen = Asset("chosen", deps: ["a"]) { context in
            context.setDataVersion("v-2024-04-01")
            return 0
        }
        let definitions = Definitions(assets: [a, b, chosen])
        _ = try await definitions.materialize("*", storage: storage, defaultIOManager: memory)
        let latest = try await storage.latestMaterializations(of: ["a", "b", "chosen"])
        let versionOfA = try #require(latest["a"]?.event.dataVersion)
        #expect(try versionOfA == DataVersion.of([1, 2]))
        #expect(latest["b"]?.event.provenance == DataProvenance(codeVersion: "7", inputDataVersions: ["a": versionOfA]))
        #expect(latest["chosen"]?.event.dataVersion == "v-2024-04-01")

        // Materializing only `b` later records the stored version of `a` as its input.
        _ = try await definitions.materialize("key:b", storage: storage, defaultIOManager: memory)
        let again = try await storage.latestMaterializations(of: ["b"])
        #expect(again["b"]?.event.provenance?.inputDataVersions == ["a": versionOfA])
    }

    @Test func observationsRecordTheVersionOfSourceData() async throws {
        let storage = InMemoryStorage()
        let feed = SourceAsset<[Int]>("feed") { context in
            context.addMetadata(["rows": 3])
            return ObservationResult(dataVersion: "etag-42", metadata: ["bytes": 120])
        }
        let definitions = Definitions(assets: [feed])
        let result = try await definitions.materialize(
            "*", storage: storage, defaultIOManager: MemoryIOManager(), scope: .observations)
        #expect(result.succeeded)
        let observation = try #require(try await storage.latestObservations(of: ["feed"])["feed"]?.event)
        #expect(observation.dataVersion == "etag-42")
        #expect(observation.metadata == ["rows": 3, "bytes": 120])
        await #expect(throws: PlanError.nothingToObserve) {
            try await Definitions(assets: [Asset("x") { _ in 1 }]).materialize(
                "*", storage: storage, defaultIOManager: MemoryIOManager(), scope: .observations)
        }
    }
}
