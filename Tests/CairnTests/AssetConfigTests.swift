import CairnTesting
import Testing

@testable import Cairn

private struct Thresholds: Codable, Sendable, Equatable {
    var activeDays = 30
    var atRiskDays = 90
}

private struct Required: Codable, Sendable {
    var table: String
}

@Suite struct AssetConfigTests {
    let segments = Asset("segments", config: .defaults(Thresholds())) { context in
        let thresholds = try context.config(Thresholds.self)
        return [thresholds.activeDays, thresholds.atRiskDays]
    }

    @Test func defaultsApplyAndGivenValuesOverrideThem() async throws {
        let plain = try await materialize([segments])
        #expect(try await plain.value(of: segments) == [30, 90])
        let config = try RunConfig(
            .object(["ops": .object(["segments": .object(["config": .object(["activeDays": .number(14)])])])]))
        let tuned = try await materialize([segments], runConfig: config)
        #expect(try await tuned.value(of: segments) == [14, 90])
        let run = try await tuned.storage.run(tuned.run.runID)
        #expect(run?.runConfig == config.json)
    }

    @Test func invalidConfigIsAnErrorBeforeTheRunExists() async throws {
        let storage = InMemoryStorage()
        let config = try RunConfig(
            .object([
                "ops": .object([
                    "segments": .object(["config": .object(["activeDays": .string("abc"), "atRiskDay": .number(3)])]),
                    "segmnts": .object(["config": .object([:])]),
                ])
            ]))
        let error = await #expect(throws: ConfigError.self) {
            try await Definitions(assets: [segments]).materialize(
                "*", storage: storage, defaultIOManager: MemoryIOManager(), runConfig: config)
        }
        let text = error?.description ?? ""
        #expect(text.contains("ops.segments.config.activeDays: expected an integer, got \"abc\""))
        #expect(text.contains("ops.segments.config.atRiskDay: unknown key; did you mean 'atRiskDays'?"))
        #expect(text.contains("ops.segmnts: unknown step; did you mean 'segments'?"))
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
    }

    @Test func requiredConfigMustBeGiven() async throws {
        let export = Asset("export", config: .of(Required.self)) { context in try context.config(Required.self).table }
        let error = await #expect(throws: ConfigError.self) { try await materialize([export]) }
        #expect(error?.description.contains("ops.export.config: missing required value 'table'") == true)
    }

    @Test func reexecutionReusesTheParentsConfig() async throws {
        let storage = InMemoryStorage()
        let memory = MemoryIOManager()
        let broken = Flag(true)
        let report = Asset("report", from: segments) { _, values in
            if broken.isSet { throw TestFailure(description: "flaky") }
            return values.reduce(0, +)
        }
        let definitions = Definitions(assets: [segments, report])
        let config = try RunConfig(
            .object(["ops": .object(["segments": .object(["config": .object(["atRiskDays": .number(60)])])])]))
        let first = try await definitions.materialize(
            "*", storage: storage, defaultIOManager: memory, runConfig: config)
        #expect(!first.succeeded)
        broken.set(false)
        let second = try await operations(definitions, storage, io: memory).reexecute(
            first.runID, fromFailure: true)
        #expect(second.succeeded)
        #expect(try await definitions.loadValue(of: report, defaultIOManager: memory) == 90)
        #expect(try await storage.run(second.runID)?.runConfig == config.json)
    }
}
