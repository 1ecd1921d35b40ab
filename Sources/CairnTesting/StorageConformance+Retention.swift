import Cairn
import Foundation

// MARK: - Retention

extension StorageConformance {
    /// A run created `day` days after `time(0)`, with RUN_START, `events` and its end.
    private static func endedRun(
        _ id: RunID, day: Double, jobName: String = Run.assetJobName, tags: [String: String] = [:],
        ending: EventType? = .runSuccess, _ events: [Event] = [], in storage: any InstanceStorage
    ) async throws {
        try await storage.addRun(makeRun(id, jobName: jobName, tags: tags, createdAt: day * 86_400))
        let at = time(day * 86_400 + 1)
        try await storage.append(
            [Event(.runStart, runID: id, timestamp: at)] + events
                + (ending.map { [Event($0, runID: id, timestamp: at)] } ?? []))
    }

    static func prunableRuns(_ storage: any InstanceStorage) async throws {
        let at = time(1)
        try await endedRun(
            "old-plain", day: 0, [Event(.engineEvent, runID: "old-plain", message: "hello")], in: storage)
        try await endedRun(
            "old-superseded", day: 1,
            [Event(.assetMaterialization, runID: "old-superseded", timestamp: at, assetKey: "x")],
            in: storage)
        try await endedRun(
            "old-latest", day: 2, [Event(.assetMaterialization, runID: "old-latest", timestamp: at, assetKey: "x")],
            in: storage)
        try await endedRun(
            "old-partition", day: 3,
            [Event(.assetMaterialization, runID: "old-partition", timestamp: at, assetKey: "z", partition: "p1")],
            in: storage)
        try await endedRun(
            "old-z", day: 4,
            [Event(.assetMaterialization, runID: "old-z", timestamp: at, assetKey: "z", partition: "p2")],
            in: storage)
        try await endedRun(
            "old-observed", day: 5, [Event(.assetObservation, runID: "old-observed", timestamp: at, assetKey: "s")],
            in: storage)
        try await endedRun(
            "old-checked", day: 6,
            [
                Event(
                    .assetCheckEvaluation, runID: "old-checked", timestamp: at, assetKey: "x",
                    checkEvaluation: CheckEvaluation(
                        checkName: "positive", passed: true, severity: .error, blocking: false))
            ], in: storage)
        try await endedRun("old-running", day: 7, ending: nil, in: storage)
        let backfill = Backfill(
            id: "bf-1", selection: "*", assetKeys: ["x"], partitionSelection: "p1", partitionCount: 1, runCount: 1)
        try await storage.addBackfill(backfill, runs: [])
        try await endedRun("old-backfill", day: 8, tags: [Backfill.tag: "bf-1"], in: storage)
        try await endedRun("etl-1", day: 10, jobName: "etl", in: storage)
        try await endedRun("etl-2", day: 11, jobName: "etl", ending: .runFailure, in: storage)
        try await endedRun("etl-3", day: 12, jobName: "etl", ending: .runCanceled, in: storage)
        try await endedRun("recent", day: 99, in: storage)
        let now = time(100 * 86_400)

        let byAge = try RetentionPolicy(maxAgeDays: 30, keepRunsPerJob: nil)
        try expectEqual(
            try await storage.prunableRuns(byAge, now: now, limit: 100).map(\.id),
            ["old-plain", "old-superseded", "etl-1", "etl-2", "etl-3"], "runs older than 30 days that may go")
        let first = try await storage.prunableRuns(byAge, now: now, limit: 2)
        try expectEqual(first.map(\.id), ["old-plain", "old-superseded"], "the 2 oldest runs that may go")
        try expectEqual(first.map(\.eventCount), [3, 3], "events of those runs")
        try expectEqual(first.map(\.jobName), [Run.assetJobName, Run.assetJobName], "jobs of those runs")
        try expectInstant(first.first?.createdAt, time(0), "creation of the oldest run that may go")

        let byCount = try RetentionPolicy(maxAgeDays: nil, keepRunsPerJob: 2)
        try expectEqual(
            try await storage.prunableRuns(byCount, now: now, limit: 100).map(\.id),
            ["old-plain", "old-superseded", "etl-1"], "runs beyond the 2 newest of their job that may go")
        let both = try RetentionPolicy(maxAgeDays: 30, keepRunsPerJob: 1)
        try expectEqual(
            try await storage.prunableRuns(both, now: time(11.5 * 86_400 + 30 * 86_400), limit: 100).map(\.id),
            ["old-plain", "old-superseded", "etl-1", "etl-2"], "runs both old and beyond the newest of their job")

        // The backfill ended: its runs may go too.
        var ended = backfill
        ended.status = .completedSuccess
        try await storage.updateBackfill(ended)
        try expect(
            try await storage.prunableRuns(byAge, now: now, limit: 100).map(\.id).contains("old-backfill"),
            "a run of an ended backfill may go")
    }

    static func deletedRunsTakeTheirEvents(_ storage: any InstanceStorage) async throws {
        let at = time(1)
        try await endedRun("gone-1", day: 0, [Event(.engineEvent, runID: "gone-1", message: "one")], in: storage)
        try await endedRun(
            "gone-2", day: 1, [Event(.assetMaterialization, runID: "gone-2", timestamp: at, assetKey: "x")],
            in: storage)
        try await endedRun(
            "kept", day: 2, [Event(.assetMaterialization, runID: "kept", timestamp: at, assetKey: "x")], in: storage)
        try await storage.recordRunHeartbeat(
            RunHeartbeat(runID: "gone-1", worker: RunWorker(pid: 1, host: "h"), timestamp: at))
        let latest = try await storage.latestMaterializations(of: ["x"])["x"]

        let partial = try await storage.deleteRuns(["gone-1", "gone-2"], maxEvents: 4)
        try expectEqual(partial.events, 4, "events deleted by a batch of 4")
        try expectEqual(partial.runs, ["gone-1"], "runs left without events after a batch of 4")
        try expect(try await storage.run("gone-1") == nil, "a deleted run is still read")
        try expectEqual(
            try await storage.events(ofRun: "gone-2", after: nil, limit: 10).map(\.event.type),
            [.assetMaterialization, .runSuccess],
            "the events left of a run deleted in part")
        let rest = try await storage.deleteRuns(["gone-2"], maxEvents: 4)
        try expectEqual(rest.events, 2, "events deleted by the second batch")
        try expectEqual(rest.runs, ["gone-2"], "runs deleted by the second batch")
        try expectEqual(try await storage.runHeartbeats(of: ["gone-1"]).count, 0, "heartbeats of deleted runs")
        try expectEqual(
            try await storage.runs(matching: RunFilter(), limit: 10, after: nil).map(\.id), ["kept"],
            "runs left")
        try expectEqual(
            try await storage.events(after: nil, types: nil, limit: 100).map(\.event.runID), ["kept", "kept", "kept"],
            "events left")
        try expectEqual(
            try await storage.latestMaterializations(of: ["x"])["x"], latest, "the latest materialization of x")
        try expectEqual(
            try await storage.deleteRuns(["gone-1"], maxEvents: 10).events, 0, "events deleted of a deleted run")
        // New events get new ids, above the deleted ones.
        try await storage.addRun(makeRun("new", createdAt: 3))
        let appended = try await storage.append([Event(.runStart, runID: "new", timestamp: at)])
        try expect(appended[0].id > (latest?.id ?? 0), "a new event's id is above every id given before")
        try expectEqual(try await storage.lastEventID(), appended[0].id, "the last event id after a prune")
    }

    static func oldTicksGoButTheLatest(_ storage: any InstanceStorage) async throws {
        for (name, days) in [("daily", [1.0, 2, 3, 99]), ("weekly", [1.0])] {
            for day in days {
                let tick = ScheduleTick(
                    scheduleName: name, scheduledTime: time(day * 86_400), status: .skipped,
                    timestamp: time(day * 86_400 + 5))
                _ = try await storage.addRunsOnce([], origin: name, tick: tick)
            }
        }
        let cutoff = time(70 * 86_400)
        try expectEqual(try await storage.countTicksAndEvaluations(before: cutoff), 3, "old ticks but the latest")
        try expectEqual(try await storage.deleteTicksAndEvaluations(before: cutoff, limit: 2), 2, "first batch")
        try expectEqual(try await storage.deleteTicksAndEvaluations(before: cutoff, limit: 2), 1, "second batch")
        try expectEqual(try await storage.deleteTicksAndEvaluations(before: cutoff, limit: 2), 0, "third batch")
        try expectEqual(
            try await storage.scheduleTicks(of: "daily", before: nil, limit: 10).map(\.scheduledTime),
            [time(99 * 86_400)], "ticks of 'daily' left")
        try expectEqual(
            try await storage.scheduleTicks(of: "weekly", before: nil, limit: 10).count, 1,
            "ticks of 'weekly', whose only tick is its latest")
    }
}
