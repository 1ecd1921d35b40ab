import Cairn
import Foundation

// MARK: - Schedules

extension StorageConformance {
    static func scheduleStates(_ storage: any InstanceStorage) async throws {
        try expect(try await storage.scheduleState("daily") == nil, "a schedule never stored has a state")
        let daily = ScheduleState(name: "daily", status: .running, lastTick: time(10), cursor: "c1")
        let hourly = ScheduleState(name: "hourly", status: .stopped)
        try await storage.setScheduleState(daily)
        try await storage.setScheduleState(hourly)
        try expectEqual(try await storage.scheduleState("daily"), daily, "state of 'daily'")
        try expectEqual(try await storage.scheduleStates(), [daily, hourly], "all states, by name")
        let stopped = ScheduleState(name: "daily", status: .stopped, lastTick: time(20))
        try await storage.setScheduleState(stopped)
        try expectEqual(try await storage.scheduleState("daily"), stopped, "state of 'daily' after replacing it")
    }

    static func runKeyCreatesOneRun(_ storage: any InstanceStorage) async throws {
        try await storage.setScheduleState(ScheduleState(name: "daily", status: .running, lastTick: time(0)))
        let tick = ScheduleTick(scheduleName: "daily", scheduledTime: time(60), status: .success, timestamp: time(61))
        let first = makeRun("run-first", status: .queued, tags: [Schedule.tag: "daily"], createdAt: 61)
        let created = try await storage.addRunsOnce([(first, "daily:60")], origin: "daily", tick: tick)
        try expectIDs(created, ["run-first"], "runs created for a new run key")
        let second = makeRun("run-second", status: .queued, tags: [Schedule.tag: "daily"], createdAt: 62)
        let again = try await storage.addRunsOnce(
            [(second, "daily:60")], origin: "daily",
            tick: ScheduleTick(scheduleName: "daily", scheduledTime: time(60), status: .success, timestamp: time(62)))
        try expectIDs(again, [], "runs created for a run key used before")
        try expect(try await storage.run("run-second") == nil, "the run of a used run key was stored")
        try expectRun(try await storage.run("run-first"), first, "the run of the new run key")
        try expectEqual(
            try await storage.scheduleTicks(of: "daily", before: nil, limit: 10),
            [tick.recording([first])], "ticks of 'daily' after one tick evaluated twice")
        try expectEqual(
            try await storage.scheduleState("daily")?.lastTick, time(60), "last tick of 'daily' after its tick")
        // Another origin may use the same key; a tick whose keys were all used is skipped.
        let other = makeRun("run-other", status: .queued, createdAt: 63)
        let otherTick = ScheduleTick(
            scheduleName: "other", scheduledTime: time(60), status: .success, timestamp: time(63))
        try expectIDs(
            try await storage.addRunsOnce([(other, "daily:60")], origin: "other", tick: otherTick), ["run-other"],
            "runs created for another origin's run key")
        let used = ScheduleTick(scheduleName: "other", scheduledTime: time(120), status: .success, timestamp: time(121))
        try await storage.addRunsOnce(
            [(makeRun("run-used", status: .queued), "daily:60")], origin: "other", tick: used)
        let ticks = try await storage.scheduleTicks(of: "other", before: nil, limit: 1)
        try expectEqual(ticks.map(\.status), [.skipped], "status of a tick whose run keys were all used")
        try expect(ticks.first?.message != nil, "a tick whose run keys were all used has no reason")
    }

    static func scheduleTicksNewestFirst(_ storage: any InstanceStorage) async throws {
        try await storage.setScheduleState(ScheduleState(name: "daily", status: .running, lastTick: time(500)))
        let ticks = [
            ScheduleTick(
                scheduleName: "daily", scheduledTime: time(100), status: .skipped, message: "no data on Sundays",
                timestamp: time(101)),
            ScheduleTick(
                scheduleName: "daily", scheduledTime: time(200), status: .failure,
                message: "evaluate threw: \"quoted\"\nsecond line", timestamp: time(201.5)),
            ScheduleTick(scheduleName: "daily", scheduledTime: time(300), status: .skipped, timestamp: time(301)),
        ]
        for tick in ticks {
            try await storage.addRunsOnce([], origin: "daily", tick: tick)
        }
        try await storage.addRunsOnce(
            [], origin: "hourly",
            tick: ScheduleTick(scheduleName: "hourly", scheduledTime: time(150), status: .skipped, timestamp: time(151))
        )
        try expectEqual(
            try await storage.scheduleTicks(of: "daily", before: nil, limit: 10), ticks.reversed(),
            "all ticks of 'daily'")
        try expectEqual(
            try await storage.scheduleTicks(of: "daily", before: nil, limit: 2), Array(ticks.reversed().prefix(2)),
            "first page of ticks of 'daily'")
        try expectEqual(
            try await storage.scheduleTicks(of: "daily", before: time(200), limit: 2), [ticks[0]],
            "ticks of 'daily' before the second")
        try expectEqual(
            try await storage.scheduleState("daily")?.lastTick, time(500), "a last tick moved back by an older tick")
    }

    static func concurrentRunKeys(_ storage: any InstanceStorage) async throws {
        let tick = ScheduleTick(scheduleName: "daily", scheduledTime: time(60), status: .success, timestamp: time(61))
        let created = try await withThrowingTaskGroup(of: [Run].self) { group in
            for index in 0..<8 {
                group.addTask {
                    try await storage.addRunsOnce(
                        [(makeRun(RunID("run-\(index)"), status: .queued), "daily:60")], origin: "daily", tick: tick)
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        try expectEqual(created.count, 1, "runs created by 8 concurrent requests with one run key")
        try expectEqual(
            try await storage.runs(matching: RunFilter(), limit: 10, after: nil).map(\.id), created.map(\.id),
            "runs stored by 8 concurrent requests with one run key")
        try expectEqual(
            try await storage.scheduleTicks(of: "daily", before: nil, limit: 10).map(\.runIDs), [created.map(\.id)],
            "ticks recorded by 8 concurrent requests for one tick")
    }
}
