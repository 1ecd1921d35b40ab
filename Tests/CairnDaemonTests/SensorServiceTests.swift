import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Synchronization
import Testing

/// A time tests move by hand.
private final class ManualTime: Sendable {
    private let current: Mutex<Date>

    init(_ text: String) { current = Mutex(ISO8601Timestamp.parse(text)!) }

    var now: Date { current.withLock { $0 } }

    func set(_ text: String) { current.withLock { $0 = ISO8601Timestamp.parse(text)! } }
}

/// The error of a sensor that fails.
private struct SensorBroke: Error, CustomStringConvertible {
    var description: String { "the sensor broke" }
}

@Suite struct SensorServiceTests {
    private static func definitions(_ sensors: [Sensor]) -> Definitions {
        let raw = Asset("raw") { _ in 1 }
        return Definitions(assets: [raw, Asset("report", from: raw) { _, raw in raw + 1 }], sensors: sensors)
    }

    private static func service(
        _ definitions: Definitions, _ storage: SQLiteStorage, _ time: ManualTime
    ) -> SensorService {
        SensorService(definitions: definitions, storage: storage, now: { time.now })
    }

    private static func runs(of sensor: String, in storage: SQLiteStorage) async throws -> [Run] {
        try await storage.runs(matching: RunFilter(tags: [Sensor.tag: sensor]), limit: 100, after: nil)
    }

    /// A sensor that requests the run keys `0...` up to the minute of the evaluation.
    private static let minutes = Sensor("minutes", select: "key:report", defaultStatus: .running) { context in
        let minute = Calendar(identifier: .gregorian).component(.minute, from: context.evaluationTime)
        let next = Int(context.cursor ?? "0")!
        guard next <= minute else { return .skip("no new minute") }
        return SensorResult(
            runRequests: (next...minute).map { RunRequest(runKey: "\($0)") }, cursor: "\(minute + 1)")
    }

    @Test func twoDaemonsOnOneFileCreateOneRunPerRunKey() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let definitions = Self.definitions([Self.minutes])
        let time = ManualTime("2024-01-04T12:02:00Z")
        let first = Self.service(definitions, try directory.storage(), time)
        let second = Self.service(definitions, try directory.storage(), time)
        for now in ["2024-01-04T12:02:00Z", "2024-01-04T12:04:00Z", "2024-01-04T12:04:40Z"] {
            time.set(now)
            async let a = first.evaluateSensors()
            async let b = second.evaluateSensors()
            _ = try await (a, b)
        }
        let storage = try directory.storage()
        let runs = try await Self.runs(of: "minutes", in: storage)
        #expect(runs.count == 5)
        #expect(Set(runs.compactMap { $0.tags[SensorEvaluation.runKeyTag] }) == ["0", "1", "2", "3", "4"])
        #expect(runs.allSatisfy { $0.status == .queued && $0.assetKeys == ["report"] })
        #expect(try await storage.scheduleState(Self.minutes.storageName)?.cursor == "5")
    }

    @Test func theMinimumIntervalIsRespectedAndTheCursorAndLastRunKeyCarryOver() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let seen = Mutex<[String?]>([])
        let sensor = Sensor("keys", select: "key:report", minimumInterval: .seconds(60)) { context in
            let lastRunKey = try await context.lastRunKey
            seen.withLock { $0.append(lastRunKey) }
            let count = Int(context.cursor ?? "0")!
            return SensorResult(runRequests: [RunRequest(runKey: "k\(count)")], cursor: "\(count + 1)")
        }
        let time = ManualTime("2024-01-04T12:00:00Z")
        let service = Self.service(Self.definitions([sensor]), try directory.storage(), time)
        #expect(try await service.evaluateSensors().isEmpty)

        try await directory.storage().setScheduleState(ScheduleState(name: sensor.storageName, status: .running))
        #expect(try await service.evaluateSensors().map(\.status) == [.success])
        time.set("2024-01-04T12:00:59Z")
        #expect(try await service.evaluateSensors().isEmpty)
        time.set("2024-01-04T12:01:00Z")
        let ticks = try await service.evaluateSensors()
        #expect(ticks.map(\.status) == [.success])
        #expect(seen.withLock { $0 } == [nil, "k0"])

        let storage = try directory.storage()
        let state = try await storage.scheduleState(sensor.storageName)
        #expect(state?.cursor == "2")
        #expect(state?.lastTick == time.now)
        let history = try await storage.scheduleTicks(of: sensor.storageName, before: nil, limit: 10)
        #expect(history.map(\.scheduledTime) == [time.now, ISO8601Timestamp.parse("2024-01-04T12:00:00Z")!])
        #expect(history.map(\.runIDs.count) == [1, 1])
    }

    @Test func skipsAndFailuresAreRecordedAndAFailureKeepsTheCursor() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let sensor = Sensor("moody", select: "key:report", defaultStatus: .running) { context in
            if context.cursor == "broken" { throw SensorBroke() }
            return .skip("nothing new", cursor: "broken")
        }
        let time = ManualTime("2024-01-04T12:00:00Z")
        let service = Self.service(Self.definitions([sensor]), try directory.storage(), time)
        let skipped = try await service.evaluateSensors()
        #expect(skipped.map(\.status) == [.skipped])
        #expect(skipped.first?.message == "nothing new")
        time.set("2024-01-04T12:00:30Z")
        let failed = try await service.evaluateSensors()
        #expect(failed.map(\.status) == [.failure])
        #expect(failed.first?.message == "the sensor broke")
        let storage = try directory.storage()
        #expect(try await storage.scheduleState(sensor.storageName)?.cursor == "broken")
        #expect(try await Self.runs(of: "moody", in: storage).isEmpty)
    }

    @Test func anAssetSensorQueuesOneRunPerNewMaterialization() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let sensor = Sensor.onMaterialization(
            of: ["raw"], name: "raw_updated", select: "key:report", defaultStatus: .running)
        let time = ManualTime("2024-01-04T12:00:00Z")
        let storage = try directory.storage()
        let service = Self.service(Self.definitions([sensor]), storage, time)
        #expect(try await service.evaluateSensors().map(\.status) == [.skipped])
        let producer = Run(assetKeys: ["raw"], status: .started)
        try await storage.addRun(producer)
        let records = try await storage.append([
            Event(.assetMaterialization, runID: producer.id, assetKey: "raw"),
            Event(.assetMaterialization, runID: producer.id, assetKey: "raw"),
        ])
        time.set("2024-01-04T12:00:30Z")
        #expect(try await service.evaluateSensors().map(\.runIDs.count) == [2])
        time.set("2024-01-04T12:01:00Z")
        #expect(try await service.evaluateSensors().map(\.status) == [.skipped])
        let runs = try await Self.runs(of: "raw_updated", in: storage)
        #expect(Set(runs.compactMap { $0.tags[SensorEvaluation.runKeyTag] }) == Set(records.map { "\($0.id)" }))
    }
}
