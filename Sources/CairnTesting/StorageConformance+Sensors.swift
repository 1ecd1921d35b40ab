import Cairn
import Foundation

// MARK: - Sensors

extension StorageConformance {
    static func sensorCursorStoredWithTick(_ storage: any InstanceStorage) async throws {
        let name = Sensor.storagePrefix + "files"
        try await storage.setScheduleState(ScheduleState(name: name, status: .running, cursor: "a"))
        let tick = ScheduleTick(scheduleName: name, scheduledTime: time(30), status: .success, timestamp: time(30))
        let run = makeRun("run-sensor", status: .queued, tags: [Sensor.tag: "files"], createdAt: 30)
        let created = try await storage.addRunsOnce([(run, "b.csv")], origin: name, tick: tick, cursor: "b")
        try expectIDs(created, ["run-sensor"], "runs created by a sensor's new run key")
        try expectEqual(
            try await storage.scheduleState(name),
            ScheduleState(name: name, status: .running, lastTick: time(30), cursor: "b"),
            "state of a sensor after its tick")
        let again = ScheduleTick(scheduleName: name, scheduledTime: time(60), status: .success, timestamp: time(60))
        let none = try await storage.addRunsOnce(
            [(makeRun("run-sensor-again", status: .queued), "b.csv")], origin: name, tick: again, cursor: "c")
        try expectIDs(none, [], "runs created by a sensor's used run key")
        try expectEqual(try await storage.scheduleState(name)?.cursor, "c", "cursor after a tick with no new run")
        try await storage.addRunsOnce([], origin: name, tick: again, cursor: nil)
        try expectEqual(try await storage.scheduleState(name)?.cursor, nil, "cursor after a tick storing none")
        try expectEqual(
            try await storage.scheduleTicks(of: name, before: nil, limit: 10).map(\.runIDs),
            [[], ["run-sensor"]], "the runs of a sensor's ticks, newest first")
    }

    static func lastEventID(_ storage: any InstanceStorage) async throws {
        try expectEqual(try await storage.lastEventID(), nil, "last event id of an empty log")
        try await storage.addRun(makeRun("run-1"))
        try await storage.addRun(makeRun("run-2"))
        let first = try await storage.append([
            Event(.runStart, runID: "run-1", timestamp: time(1)),
            Event(.runFailure, runID: "run-1", timestamp: time(2)),
        ])
        try expectEqual(try await storage.lastEventID(), first.last?.id, "last event id after one append")
        let second = try await storage.append([Event(.logs, runID: "run-2", timestamp: time(3), message: "later")])
        try expectEqual(try await storage.lastEventID(), second.last?.id, "last event id after a second append")
        try expectEqual(
            try await storage.events(after: storage.lastEventID(), types: nil, limit: 10), [],
            "events after the last event id")
    }

    static func roundOfTicks(_ storage: any InstanceStorage) async throws {
        let sensor = Sensor.storagePrefix + "files"
        try await storage.setScheduleState(ScheduleState(name: "nightly", status: .running, cursor: "kept"))
        try await storage.setScheduleState(ScheduleState(name: sensor, status: .running, cursor: "a"))
        func tick(_ name: String) -> ScheduleTick {
            ScheduleTick(scheduleName: name, scheduledTime: time(60), status: .success, timestamp: time(60))
        }
        let created = try await storage.addRunsOnce([
            TickRuns([(makeRun("run-nightly", status: .queued), "night-1")], origin: "nightly", tick: tick("nightly")),
            TickRuns(
                [
                    (makeRun("run-file-b", status: .queued), "b.csv"),
                    (makeRun("run-file-b2", status: .queued), "b.csv"),
                ],
                origin: sensor, tick: tick(sensor), cursor: "b"),
        ])
        try expectEqual(created.map { $0.map(\.id) }, [["run-nightly"], ["run-file-b"]], "runs created per tick")
        try expectEqual(
            try await storage.scheduleState("nightly"),
            ScheduleState(name: "nightly", status: .running, lastTick: time(60), cursor: "kept"),
            "a schedule's state after a round: last tick moved, cursor kept")
        try expectEqual(
            try await storage.scheduleState(sensor),
            ScheduleState(name: sensor, status: .running, lastTick: time(60), cursor: "b"),
            "a sensor's state after a round: last tick moved, cursor stored")
        try expectEqual(
            try await storage.scheduleTicks(of: sensor, before: nil, limit: 10).map(\.runIDs), [["run-file-b"]],
            "the sensor's tick of the round")

        let later = ScheduleTick(scheduleName: sensor, scheduledTime: time(90), status: .success, timestamp: time(90))
        try await expectThrows(StorageError.duplicateRun("run-nightly"), "a round with a run id that exists") {
            try await storage.addRunsOnce([
                TickRuns([(makeRun("run-file-c", status: .queued), "c.csv")], origin: sensor, tick: later, cursor: "c"),
                TickRuns([(makeRun("run-nightly", status: .queued), "night-2")], origin: "nightly", tick: later),
            ])
        }
        try expectEqual(try await storage.run("run-file-c"), nil, "a run of a round that stored nothing")
        try expectEqual(
            try await storage.scheduleState(sensor)?.cursor, "b", "cursor after a round that stored nothing")
        try expectEqual(
            try await storage.scheduleTicks(of: sensor, before: nil, limit: 10).count, 1,
            "ticks after a round that stored nothing")
    }
}
