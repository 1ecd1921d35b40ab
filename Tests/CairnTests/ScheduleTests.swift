import Cairn
import Foundation
import Testing

@Suite struct ScheduleTests {
    static func date(_ text: String) -> Date { ISO8601Timestamp.parse(text)! }

    static let daily = PartitionsDefinition.daily(start: "2024-01-01")

    static func definitions(_ schedules: [Schedule], jobs: [Job] = []) -> Definitions {
        let raw = Asset("raw", group: "weather", partitions: daily) { _ in 1 }
        let report = Asset("report", group: "reports") { _ in "report" }
        return Definitions(assets: [raw, report], jobs: jobs, schedules: schedules)
    }

    // MARK: - Ticks

    @Test func dailyScheduleOnTheSpringForwardDayFiresAtTheEndOfTheGap() throws {
        let schedule = Schedule("nightly", cron: "30 2 * * *", timezone: "Europe/Vienna", select: "group:reports")
        let cron = try schedule.cronSchedule()
        // 2026-03-29 02:30 does not exist in Vienna: the tick is 03:00 CEST (01:00 UTC).
        let lastTick = Self.date("2026-03-28T01:30:00Z")
        #expect(
            ScheduleEvaluation.ticks(of: cron, after: lastTick, now: Self.date("2026-03-29T00:59:59Z"), policy: .all)
                .isEmpty)
        #expect(
            ScheduleEvaluation.ticks(of: cron, after: lastTick, now: Self.date("2026-03-29T01:00:20Z"), policy: .none)
                == [Self.date("2026-03-29T01:00:00Z")])
        // The day after, 02:30 CEST is 00:30 UTC.
        #expect(
            ScheduleEvaluation.ticks(
                of: cron, after: Self.date("2026-03-29T01:00:00Z"), now: Self.date("2026-03-31T00:00:00Z"),
                policy: .all) == [Self.date("2026-03-30T00:30:00Z")])
    }

    @Test func missedTickPoliciesAfterTheDaemonWasDown() throws {
        let cron = try CronSchedule("0 * * * *")
        let lastTick = Self.date("2026-01-10T10:00:00Z")
        let now = Self.date("2026-01-10T15:20:00Z")
        #expect(
            ScheduleEvaluation.ticks(of: cron, after: lastTick, now: now, policy: .all)
                == (11...15).map { Self.date("2026-01-10T\($0):00:00Z") })
        #expect(
            ScheduleEvaluation.ticks(of: cron, after: lastTick, now: now, policy: .latestOnly)
                == [Self.date("2026-01-10T15:00:00Z")])
        #expect(ScheduleEvaluation.ticks(of: cron, after: lastTick, now: now, policy: .none).isEmpty)
        #expect(
            ScheduleEvaluation.ticks(of: cron, after: lastTick, now: Self.date("2026-01-10T15:00:30Z"), policy: .none)
                == [Self.date("2026-01-10T15:00:00Z")])
        #expect(ScheduleEvaluation.ticks(of: cron, after: lastTick, now: now, policy: .all, limit: 2).count == 2)
        // Nothing is due before the next tick, nor for a schedule never evaluated.
        #expect(
            ScheduleEvaluation.ticks(
                of: cron, after: Self.date("2026-01-10T15:00:00Z"), now: now, policy: .latestOnly
            ).isEmpty)
        #expect(ScheduleEvaluation.ticks(of: cron, after: nil, now: now, policy: .all).isEmpty)
    }

    // MARK: - Evaluation

    @Test func partitionedSelectionTargetsTheLastPartitionCompleteAtTheTick() async throws {
        let schedule = Schedule("raw_daily", cron: "0 6 * * *", select: "key:raw", tags: ["team": "data"])
        let graph = try Self.definitions([schedule]).assetGraph
        let tick = Self.date("2024-01-05T06:00:00Z")
        let result = try await ScheduleEvaluation.evaluate(schedule, tick: tick, graph: graph)
        guard case .run(let request) = result else {
            Issue.record("expected a run request, got \(result)")
            return
        }
        #expect(request.partitionKey == PartitionKey("2024-01-04"))
        #expect(request.runKey == "raw_daily:2024-01-05T06:00:00Z")
        let run = try ScheduleEvaluation.run(for: request, of: schedule, graph: graph, now: tick)
        #expect(run.status == .queued)
        #expect(run.assetKeys == [AssetKey("raw")])
        #expect(run.tags == [Schedule.tag: "raw_daily", Run.partitionTag: "2024-01-04", "team": "data"])
    }

    @Test func tickBeforeTheFirstPartitionEndsIsSkipped() async throws {
        let schedule = Schedule("raw_daily", cron: "0 0 * * *", select: "key:raw")
        let graph = try Self.definitions([schedule]).assetGraph
        let result = try await ScheduleEvaluation.evaluate(
            schedule, tick: Self.date("2024-01-01T00:00:00Z"), graph: graph)
        #expect(result == .skip("no partition is complete at 2024-01-01T00:00:00Z yet"))
    }

    @Test func closureComputesTheRequestOrSkips() async throws {
        let schedule = Schedule("weekdays", cron: "0 6 * * *", select: "key:raw") { context in
            let weekday = Calendar(identifier: .gregorian).component(.weekday, from: context.scheduledTime)
            guard weekday != 1 else { return .skip("no reports on Sundays") }
            return .run(RunRequest(tags: ["day": context.partitionKey?.rawValue ?? "none"], runKey: "custom"))
        }
        let graph = try Self.definitions([schedule]).assetGraph
        let sunday = try await ScheduleEvaluation.evaluate(
            schedule, tick: Self.date("2024-01-07T06:00:00Z"), graph: graph)
        #expect(sunday == .skip("no reports on Sundays"))
        let monday = try await ScheduleEvaluation.evaluate(
            schedule, tick: Self.date("2024-01-08T06:00:00Z"), graph: graph)
        #expect(
            monday
                == .run(
                    RunRequest(tags: ["day": "2024-01-07"], runKey: "custom", partitionKey: PartitionKey("2024-01-07")))
        )
    }

    @Test func jobScheduleRequestsARunOfTheJob() async throws {
        let hello = Op("hello") { _ in 1 }
        let schedule = Schedule(
            "hourly_job", cron: "@hourly", job: "greet", runConfig: RunConfig(ops: ["hello": .object([:])]))
        let graph = try Self.definitions([schedule], jobs: [Job("greet", ops: [hello])]).assetGraph
        let tick = Self.date("2024-01-08T06:00:00Z")
        guard case .run(let request) = try await ScheduleEvaluation.evaluate(schedule, tick: tick, graph: graph) else {
            Issue.record("expected a run request")
            return
        }
        let run = try ScheduleEvaluation.run(for: request, of: schedule, graph: graph, now: tick)
        #expect(run.jobName == "greet")
        #expect(run.tags == [Schedule.tag: "hourly_job"])
        #expect(run.runConfig == RunConfig(ops: ["hello": .object([:])]).json)
    }

    // MARK: - Validation

    @Test func brokenSchedulesAreDefinitionsErrors() throws {
        let definitions = Self.definitions([
            Schedule("bad_cron", cron: "0 25 * * *", select: "key:raw"),
            Schedule("bad_zone", cron: "0 6 * * *", timezone: "Europe/Viena", select: "key:raw"),
            Schedule("bad_asset", cron: "0 6 * * *", select: "key:rwa"),
            Schedule("bad_syntax", cron: "0 6 * * *", select: "group:"),
            Schedule("bad_job", cron: "0 6 * * *", job: "nope"),
            Schedule("bad_cron", cron: "0 6 * * *", select: "key:raw"),
        ])
        let error = #expect(throws: DefinitionsError.self) { try definitions.assetGraph }
        let messages = error?.problems.map(\.message) ?? []
        #expect(messages.count == 6)
        #expect(messages.contains { $0.contains("schedule 'bad_cron'") && $0.contains("hour field '25'") })
        #expect(messages.contains { $0.contains("unknown time zone 'Europe/Viena'") })
        #expect(messages.contains { $0.contains("schedule 'bad_asset'") && $0.contains("unknown asset 'rwa'") })
        #expect(messages.contains { $0.contains("schedule 'bad_syntax'") })
        #expect(messages.contains { $0.contains("targets job 'nope', which is not defined") })
        #expect(messages.contains { $0.contains("schedule 'bad_cron' is defined twice") })
    }
}
