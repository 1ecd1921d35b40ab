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

@Suite struct ScheduleServiceTests {
    private static let daily = PartitionsDefinition.daily(start: "2024-01-01")

    private static func definitions(_ schedules: [Schedule]) -> Definitions {
        Definitions(
            assets: [Asset("events", partitions: daily) { _ in 1 }, Asset("report") { _ in "report" }],
            schedules: schedules)
    }

    private static func service(
        _ definitions: Definitions, _ storage: SQLiteStorage, _ time: ManualTime
    ) -> ScheduleService {
        ScheduleService(definitions: definitions, storage: storage, now: { time.now })
    }

    @Test func twoDaemonsOnOneFileCreateOneRunPerTick() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let definitions = Self.definitions([
            Schedule("events_daily", cron: "0 1 * * *", select: "key:events", defaultStatus: .running)
        ])
        let time = ManualTime("2024-01-04T12:00:00Z")
        let first = Self.service(definitions, try directory.storage(), time)
        let second = Self.service(definitions, try directory.storage(), time)
        try await first.evaluateSchedules()
        try await second.evaluateSchedules()
        for now in ["2024-01-05T01:00:10Z", "2024-01-05T01:00:40Z", "2024-01-06T01:00:05Z"] {
            time.set(now)
            async let a = first.evaluateSchedules()
            async let b = second.evaluateSchedules()
            _ = try await (a, b)
        }
        let storage = try directory.storage()
        let runs = try await storage.runs(
            matching: RunFilter(tags: [Schedule.tag: "events_daily"]), limit: 10, after: nil)
        #expect(runs.map(\.status) == [.queued, .queued])
        #expect(runs.map { $0.tags[Run.partitionTag] } == ["2024-01-05", "2024-01-04"])
        let ticks = try await storage.scheduleTicks(of: "events_daily", before: nil, limit: 10)
        #expect(ticks.map(\.status) == [.success, .success])
        #expect(ticks.map(\.runIDs) == runs.map { [$0.id] })
    }

    @Test func startAndStopPersistAndAStoppedScheduleRequestsNothing() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let definitions = Self.definitions([Schedule("report_hourly", cron: "@hourly", select: "key:report")])
        let time = ManualTime("2024-01-04T12:30:00Z")
        let service = Self.service(definitions, try directory.storage(), time)
        try await service.evaluateSchedules()
        #expect(try await directory.storage().scheduleState("report_hourly") == nil)

        try await directory.storage().setScheduleState(
            ScheduleState(name: "report_hourly", status: .running, lastTick: time.now))
        time.set("2024-01-04T13:00:05Z")
        let ticks = try await service.evaluateSchedules()
        #expect(ticks.map(\.status) == [.success])

        try await directory.storage().setScheduleState(
            ScheduleState(name: "report_hourly", status: .stopped, lastTick: time.now))
        let reopened = try directory.storage()
        #expect(try await reopened.scheduleState("report_hourly")?.status == .stopped)
        time.set("2024-01-04T16:00:05Z")
        #expect(try await service.evaluateSchedules().isEmpty)
        #expect(try await reopened.runs(matching: RunFilter(), limit: 10, after: nil).count == 1)
    }

    @Test func missedTicksAfterDowntimeFollowThePolicy() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let definitions = Self.definitions([
            Schedule("latest", cron: "@hourly", select: "key:report", defaultStatus: .running),
            Schedule("all", cron: "@hourly", select: "key:report", defaultStatus: .running, missedTicks: .all),
            Schedule("none", cron: "@hourly", select: "key:report", defaultStatus: .running, missedTicks: .none),
        ])
        let time = ManualTime("2024-01-04T10:00:00Z")
        let service = Self.service(definitions, storage, time)
        try await service.evaluateSchedules()
        time.set("2024-01-04T14:30:00Z")  // the daemon was down from 10:00 to 14:30
        let ticks = try await service.evaluateSchedules()
        #expect(ticks.filter { $0.scheduleName == "latest" }.map(\.scheduledTime) == [date("2024-01-04T14:00:00Z")])
        #expect(ticks.filter { $0.scheduleName == "all" }.count == 4)
        #expect(ticks.filter { $0.scheduleName == "none" }.isEmpty)
        time.set("2024-01-04T15:00:10Z")
        let onTime = try await service.evaluateSchedules()
        #expect(onTime.map(\.scheduleName).sorted() == ["all", "latest", "none"])
        #expect(try await storage.runs(matching: RunFilter(), limit: 100, after: nil).count == 8)

        func date(_ text: String) -> Date { ISO8601Timestamp.parse(text)! }
    }

    @Test func skipReasonsAndFailuresAreRecorded() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        struct Unreachable: Error, CustomStringConvertible {
            var description: String { "the source system is unreachable" }
        }
        let definitions = Self.definitions([
            Schedule("skipping", cron: "@hourly", select: "key:report", defaultStatus: .running) { _ in
                .skip("nothing new upstream")
            },
            Schedule("failing", cron: "@hourly", select: "key:report", defaultStatus: .running) { _ in
                throw Unreachable()
            },
        ])
        let time = ManualTime("2024-01-04T10:30:00Z")
        let service = Self.service(definitions, storage, time)
        try await service.evaluateSchedules()
        time.set("2024-01-04T11:00:01Z")
        try await service.evaluateSchedules()
        let skipped = try await storage.scheduleTicks(of: "skipping", before: nil, limit: 10)
        #expect(skipped.map(\.status) == [.skipped])
        #expect(skipped.first?.message == "nothing new upstream")
        let failed = try await storage.scheduleTicks(of: "failing", before: nil, limit: 10)
        #expect(failed.map(\.status) == [.failure])
        #expect(failed.first?.message == "the source system is unreachable")
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
        #expect(try await storage.scheduleState("failing")?.lastTick == ISO8601Timestamp.parse("2024-01-04T11:00:00Z"))
    }
}
