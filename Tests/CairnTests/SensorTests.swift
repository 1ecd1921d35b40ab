import Cairn
import Foundation
import Testing

@Suite struct SensorTests {
    static func date(_ text: String) -> Date { ISO8601Timestamp.parse(text)! }

    static func definitions(_ sensors: [Sensor], schedules: [Schedule] = []) -> Definitions {
        let raw = Asset("raw", group: "weather") { _ in 1 }
        let report = Asset("report", group: "reports", from: raw) { _, raw in raw + 1 }
        return Definitions(assets: [raw, report], schedules: schedules, sensors: sensors)
    }

    static func context(
        _ storage: any InstanceStorage, cursor: String? = nil, lastRunKey: String? = nil
    ) -> SensorContext {
        SensorContext(
            sensorName: "sensor", cursor: cursor, lastRunKey: lastRunKey,
            evaluationTime: date("2024-01-04T12:00:00Z"), storage: storage)
    }

    /// Appends a materialization of `key` by a new run, returning its event id.
    static func materialize(_ key: AssetKey, in storage: InMemoryStorage) async throws -> Int64 {
        let run = Run(assetKeys: [key], status: .started)
        try await storage.addRun(run)
        let records = try await storage.append([Event(.assetMaterialization, runID: run.id, assetKey: key)])
        return records[0].id
    }

    @Test func evaluationPassesTheCursorAndReturnsRequestsSkipsAndNewCursors() async throws {
        let sensor = Sensor("counter", select: "key:report") { context in
            let count = Int(context.cursor ?? "0")!
            guard count < 2 else { return .skip("enough runs", cursor: context.cursor) }
            return SensorResult(
                runRequests: [RunRequest(tags: ["n": "\(count)"], runKey: "run-\(count)")], cursor: "\(count + 1)")
        }
        let storage = InMemoryStorage()
        let first = try await SensorEvaluation.evaluate(sensor, context: Self.context(storage))
        #expect(first.runRequests.map(\.runKey) == ["run-0"])
        #expect(first.cursor == "1")
        #expect(first.skipReason == nil)
        let skipped = try await SensorEvaluation.evaluate(sensor, context: Self.context(storage, cursor: "2"))
        #expect(skipped.runRequests.isEmpty)
        #expect(skipped.skipReason == "enough runs")
        #expect(skipped.cursor == "2")
    }

    @Test func aSensorRequestingNothingIsSkippedWithAReason() async throws {
        let sensor = Sensor("idle", select: "key:report") { _ in SensorResult(runRequests: []) }
        let result = try await SensorEvaluation.evaluate(sensor, context: Self.context(InMemoryStorage()))
        #expect(result.skipReason == "the sensor requested no run")
        #expect(result.cursor == nil)
    }

    @Test func runsAreQueuedAndTaggedWithTheSensorAndTheRunKey() throws {
        let sensor = Sensor("tagged", select: "group:reports", tags: ["team": "data"]) { _ in .skip("unused") }
        let graph = try Self.definitions([sensor]).assetGraph
        let run = try SensorEvaluation.run(
            for: RunRequest(tags: ["file": "a.csv"], runKey: "a.csv"), of: sensor, graph: graph,
            now: Self.date("2024-01-04T12:00:00Z"))
        #expect(run.status == .queued)
        #expect(run.assetKeys == ["report"])
        #expect(run.tags[Sensor.tag] == "tagged")
        #expect(run.tags[SensorEvaluation.runKeyTag] == "a.csv")
        #expect(run.tags["team"] == "data")
        #expect(run.tags["file"] == "a.csv")
    }

    @Test func theMinimumIntervalMustPassBetweenEvaluations() {
        let sensor = Sensor("slow", select: "key:report", minimumInterval: .seconds(60)) { _ in .skip("unused") }
        let last = Self.date("2024-01-04T12:00:00Z")
        #expect(SensorEvaluation.isDue(sensor, lastEvaluation: nil, now: last))
        #expect(!SensorEvaluation.isDue(sensor, lastEvaluation: last, now: Self.date("2024-01-04T12:00:59Z")))
        #expect(SensorEvaluation.isDue(sensor, lastEvaluation: last, now: Self.date("2024-01-04T12:01:00Z")))
        #expect(Sensor("default", select: "key:report") { _ in .skip("unused") }.minimumInterval == .seconds(30))
    }

    @Test func anAssetSensorRequestsOneRunPerNewMaterializationAndNoneWhenNothingChanged() async throws {
        let storage = InMemoryStorage()
        let sensor = Sensor.onMaterialization(of: ["raw"], name: "raw_updated", select: "key:report")
        let nothing = try await SensorEvaluation.evaluate(sensor, context: Self.context(storage))
        #expect(nothing.runRequests.isEmpty)
        #expect(nothing.skipReason == "no new materialization")

        let first = try await Self.materialize("raw", in: storage)
        _ = try await Self.materialize("other", in: storage)
        let second = try await Self.materialize("raw", in: storage)
        let result = try await SensorEvaluation.evaluate(sensor, context: Self.context(storage))
        #expect(result.runRequests.map(\.runKey) == ["\(first)", "\(second)"])
        #expect(result.cursor == "\(second)")

        let unchanged = try await SensorEvaluation.evaluate(
            sensor, context: Self.context(storage, cursor: result.cursor))
        #expect(unchanged.runRequests.isEmpty)
        #expect(unchanged.skipReason == "no new materialization")

        let other = try await Self.materialize("other", in: storage)
        let onlyOther = try await SensorEvaluation.evaluate(
            sensor, context: Self.context(storage, cursor: result.cursor))
        #expect(onlyOther.runRequests.isEmpty)
        #expect(onlyOther.cursor == "\(other)")
    }

    @Test func brokenSensorsAreDefinitionsErrors() throws {
        let definitions = Self.definitions(
            [
                Sensor("bad_asset", select: "key:rwa") { _ in .skip("unused") },
                Sensor("bad_syntax", select: "group:") { _ in .skip("unused") },
                Sensor("bad_job", job: "nope") { _ in .skip("unused") },
                Sensor("bad_asset", select: "key:raw") { _ in .skip("unused") },
            ],
            schedules: [Schedule("sensor:clash", cron: "@daily", select: "key:raw")])
        let error = #expect(throws: DefinitionsError.self) { try definitions.assetGraph }
        let messages = error?.problems.map(\.message) ?? []
        #expect(messages.count == 5)
        #expect(messages.contains { $0.contains("sensor 'bad_asset'") && $0.contains("unknown asset 'rwa'") })
        #expect(messages.contains { $0.contains("sensor 'bad_syntax'") })
        #expect(messages.contains { $0.contains("sensor 'bad_job' targets job 'nope', which is not defined") })
        #expect(messages.contains { $0.contains("sensor 'bad_asset' is defined twice") })
        #expect(messages.contains { $0.contains("schedule 'sensor:clash' starts with 'sensor:'") })
    }
}
