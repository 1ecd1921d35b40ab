import Cairn
import Foundation

// MARK: - Run transitions

extension StorageConformance {
    static func queuedRunLifecycle(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("enqueued", createdAt: 0))
        try await storage.append([Event(.runEnqueued, runID: "enqueued", timestamp: time(1))])
        try expectEqual(try await storage.run("enqueued")?.status, .queued, "status after RUN_ENQUEUED")

        try await storage.addRun(makeRun("launched", status: .queued, createdAt: 1))
        try await storage.append([Event(.runStarting, runID: "launched", timestamp: time(2))])
        var run = try await storage.run("launched")
        try expectEqual(run?.status, .starting, "status of a queued run after RUN_STARTING")
        try expectInstant(run?.startedAt, nil, "startedAt after RUN_STARTING")
        try await storage.append([Event(.runStart, runID: "launched", timestamp: time(3))])
        run = try await storage.run("launched")
        try expectEqual(run?.status, .started, "status after RUN_STARTING and RUN_START")
        try expectInstant(run?.startedAt, time(3), "startedAt after RUN_START")
        try await storage.append([Event(.runCanceling, runID: "launched", timestamp: time(4))])
        run = try await storage.run("launched")
        try expectEqual(run?.status, .canceling, "status after RUN_CANCELING")
        try expectInstant(run?.endedAt, nil, "endedAt after RUN_CANCELING")
        try await storage.append([Event(.runCanceled, runID: "launched", timestamp: time(5))])
        run = try await storage.run("launched")
        try expectEqual(run?.status, .canceled, "status after RUN_CANCELING and RUN_CANCELED")
        try expectInstant(run?.startedAt, time(3), "startedAt after RUN_CANCELED")
        try expectInstant(run?.endedAt, time(5), "endedAt after RUN_CANCELED")

        try await storage.addRun(makeRun("dropped", status: .queued, createdAt: 2))
        try await storage.append([Event(.runCanceled, runID: "dropped", timestamp: time(6))])
        run = try await storage.run("dropped")
        try expectEqual(run?.status, .canceled, "status of a queued run after RUN_CANCELED")
        try expectInstant(run?.endedAt, time(6), "endedAt of a queued run after RUN_CANCELED")
        try await expectThrows(.runEnded("dropped", .canceled), "RUN_STARTING of a canceled queued run") {
            try await storage.append([Event(.runStarting, runID: "dropped", timestamp: time(7))])
        }
        try expectEqual(
            try await storage.run("dropped")?.status, .canceled, "status of a canceled queued run after RUN_STARTING")
        try expectIDs(
            try await storage.runs(matching: RunFilter(statuses: [.queued, .starting]), limit: 10, after: nil),
            ["enqueued"], "runs QUEUED or STARTING")
    }

    static func transition(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", status: .queued))
        try await storage.addRun(makeRun("run-2", status: .queued, createdAt: 1))
        let before = try await storage.append([Event(.logs, runID: "run-1", timestamp: time(1), message: "queued")])

        let starting = Event(.runStarting, runID: "run-1", timestamp: time(2), message: "claimed")
        let claimed = try await storage.transition(starting, from: [.queued])
        guard let claimed else { throw Mismatch(message: "RUN_STARTING from QUEUED of a queued run returned nil") }
        try expectEvent(claimed.event, starting, "event returned by the transition")
        try expect(claimed.id > before[0].id, "the transition's id \(claimed.id) is not after \(before[0].id)")
        try expectEqual(try await storage.run("run-1")?.status, .starting, "status after the transition")
        try expectEqual(try await storage.run("run-2")?.status, .queued, "status of the other run")

        let again = try await storage.transition(
            Event(.runStarting, runID: "run-1", timestamp: time(3), message: "claimed twice"), from: [.queued])
        try expect(again == nil, "RUN_STARTING from QUEUED of a STARTING run returned \(String(describing: again))")
        try expectEqual(try await storage.run("run-1")?.status, .starting, "status after the refused transition")
        try expectRecords(
            try await storage.events(ofRun: "run-1", after: nil, limit: 10), [before[0], claimed],
            "events of run-1 after a refused transition")

        let started = try await storage.transition(
            Event(.runStart, runID: "run-1", timestamp: time(4)), from: [.starting, .queued])
        try expect(started != nil, "RUN_START from STARTING or QUEUED of a STARTING run returned nil")
        var run = try await storage.run("run-1")
        try expectEqual(run?.status, .started, "status after RUN_START by transition")
        try expectInstant(run?.startedAt, time(4), "startedAt after RUN_START by transition")
        try expect(
            try await storage.transition(Event(.runCanceled, runID: "run-1", timestamp: time(5)), from: []) == nil,
            "a transition from no status returned an event")
        try expect(
            try await storage.transition(
                Event(.runCanceled, runID: "run-1", timestamp: time(5)), from: [.queued, .notStarted]) == nil,
            "RUN_CANCELED from QUEUED or NOT_STARTED of a STARTED run returned an event")
        let canceled = try await storage.transition(
            Event(.runCanceled, runID: "run-2", timestamp: time(6)), from: [.queued, .notStarted])
        try expect(canceled != nil, "RUN_CANCELED from QUEUED of a queued run returned nil")
        run = try await storage.run("run-2")
        try expectEqual(run?.status, .canceled, "status of run-2 after RUN_CANCELED by transition")
        try expectInstant(run?.endedAt, time(6), "endedAt of run-2 after RUN_CANCELED by transition")

        try await expectThrows(.unknownRun("ghost"), "a transition of run ghost") {
            _ = try await storage.transition(Event(.runStarting, runID: "ghost", timestamp: time(7)), from: [.queued])
        }
        try expectRecords(
            try await storage.events(after: nil, types: nil, limit: 10), [before[0], claimed, started!, canceled!],
            "all events after the transitions")
    }

    static func concurrentTransitions(_ storage: any InstanceStorage) async throws {
        let runIDs = (0..<5).map { RunID("queued-\($0)") }
        for (index, id) in runIDs.enumerated() {
            try await storage.addRun(makeRun(id, status: .queued, createdAt: Double(index)))
        }
        let claims = try await withThrowingTaskGroup(of: EventRecord?.self) { group in
            for worker in 0..<20 {
                group.addTask {
                    let runID = runIDs[worker % runIDs.count]
                    return try await storage.transition(
                        Event(.runStarting, runID: runID, timestamp: time(1), message: "worker \(worker)"),
                        from: [.queued])
                }
            }
            var claims: [EventRecord] = []
            for try await claim in group {
                if let claim { claims.append(claim) }
            }
            return claims
        }
        try expectEqual(
            claims.map(\.event.runID.rawValue).sorted(), runIDs.map(\.rawValue),
            "runs claimed by 20 concurrent transitions of 5 queued runs")
        try expectEqual(
            try await storage.events(after: nil, types: [.runStarting], limit: 100).count, runIDs.count,
            "number of RUN_STARTING events stored")
    }
}
