import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Testing

@Suite struct RunMonitorServiceTests {
    /// The pid of a process that has exited.
    private func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    /// A run claimed by `worker`, STARTING since `since`, and STARTED when `started`.
    private func claimedRun(
        in storage: SQLiteStorage, worker: RunWorker, since: Date = Date(), started: Bool
    ) async throws -> RunID {
        let run = Run(assetKeys: ["numbers"], status: .queued)
        try await storage.addRun(run)
        let claim = Event(.runStarting, runID: run.id, timestamp: since, metadata: worker.metadata)
        #expect(try await storage.transition(claim, from: [.queued]) != nil)
        if started { try await storage.append([Event(.runStart, runID: run.id)]) }
        return run.id
    }

    @Test func aRunWhoseWorkerIsGoneIsMarkedFailed() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let worker = RunWorker(pid: try deadPID(), host: ProcessInfo.processInfo.hostName)
        #expect(!worker.isAlive)
        let dead = try await claimedRun(in: storage, worker: RunWorker.current, started: true)
        try await storage.append([Event(.engineEvent, runID: dead, metadata: worker.metadata)])
        let alive = try await claimedRun(in: storage, worker: RunWorker.current, started: true)
        let remote = try await claimedRun(
            in: storage, worker: RunWorker(pid: worker.pid, host: "elsewhere"), started: true)
        // Only the process gone counts here, not a heartbeat timeout on a loaded machine.
        let monitor = RunMonitorService(storage: storage, heartbeatTimeout: .seconds(600))

        #expect(try await monitor.check().map(\.id) == [dead])
        let run = try #require(try await storage.run(dead))
        #expect(run.status == .failure)
        let last = try await storage.events(ofRun: dead, after: nil, limit: 100).last?.event
        #expect(
            last?.message
                == "The process that ran this run (pid \(worker.pid) on \(worker.host)) is gone; marked failed.")
        #expect(try await storage.run(alive)?.status == .started)
        #expect(try await storage.run(remote)?.status == .started)
        #expect(try await monitor.check().isEmpty)
    }

    @Test func anEndedRunIsLeftAsItIs() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let worker = RunWorker(pid: try deadPID(), host: ProcessInfo.processInfo.hostName)
        let ended = try await claimedRun(in: storage, worker: worker, started: true)
        try await storage.append([Event(.runSuccess, runID: ended)])
        let monitor = RunMonitorService(storage: storage)
        #expect(try await monitor.check().isEmpty)
        #expect(try await storage.run(ended)?.status == .success)
        let events = try await storage.events(ofRun: ended, after: nil, limit: 100)
        #expect(!events.contains { $0.event.type == .runFailure })
    }

    @Test func aRunStuckStartingTimesOut() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let now = Date()
        let stuck = try await claimedRun(
            in: storage, worker: RunWorker.current, since: now.addingTimeInterval(-61), started: false)
        let recent = try await claimedRun(
            in: storage, worker: RunWorker.current, since: now.addingTimeInterval(-30), started: false)
        let startedLongAgo = try await claimedRun(
            in: storage, worker: RunWorker.current, since: now.addingTimeInterval(-600), started: true)
        let monitor = RunMonitorService(storage: storage, startingTimeout: .seconds(60), now: { now })

        #expect(try await monitor.check().map(\.id) == [stuck])
        let last = try await storage.events(ofRun: stuck, after: nil, limit: 100).last?.event
        #expect(last?.message.hasPrefix("The run stayed STARTING for more than 60") == true)
        #expect(try await storage.run(recent)?.status == .starting)
        #expect(try await storage.run(startedLongAgo)?.status == .started)

        // The started run's worker keeps beating, so it is left alone.
        try await storage.recordRunHeartbeat(
            RunHeartbeat(runID: startedLongAgo, worker: RunWorker.current, timestamp: now + 30))
        let later = RunMonitorService(storage: storage, startingTimeout: .seconds(60), now: { now + 31 })
        #expect(try await later.check().map(\.id) == [recent])
    }

    @Test func aRunWhoseHeartbeatsStoppedIsFailedAfterTheTimeoutAndNotBefore() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        // A worker on another host: no pid check can tell it is gone, only its heartbeats.
        let remote = RunWorker(pid: 4242, host: "worker-host-b")
        let beating = try await claimedRun(in: storage, worker: remote, started: true)
        let silent = try await claimedRun(in: storage, worker: remote, started: true)
        // The last heartbeat of one run is as old as the start of the other, which sent none.
        let lastBeat = try #require(try await storage.run(silent)?.startedAt)
        try await storage.recordRunHeartbeat(RunHeartbeat(runID: beating, worker: remote, timestamp: lastBeat))

        let early = RunMonitorService(storage: storage, heartbeatTimeout: .seconds(20), now: { lastBeat + 19 })
        #expect(try await early.check().isEmpty)
        #expect(try await storage.run(beating)?.status == .started)

        let late = RunMonitorService(storage: storage, heartbeatTimeout: .seconds(20), now: { lastBeat + 21 })
        #expect(Set(try await late.check().map(\.id)) == [beating, silent])
        #expect(try await storage.run(beating)?.status == .failure)
        let reason = try await storage.events(ofRun: beating, after: nil, limit: 100).last?.event.message
        #expect(
            reason
                == "The process that ran this run (pid 4242 on worker-host-b) sent no heartbeat for 21 s "
                + "(timeout 20 s); it is taken for dead; marked failed.")
        let silentReason = try await storage.events(ofRun: silent, after: nil, limit: 100).last?.event.message
        #expect(
            silentReason
                == "The process that ran this run (pid 4242 on worker-host-b) sent no heartbeat in the 21 s since "
                + "the run started (timeout 20 s); it is taken for dead; marked failed.")
        #expect(try await late.check().isEmpty)
    }

    @Test func aRunPastItsMaxRuntimeIsTerminatedAndItsProcessKilledAfterTheGrace() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        // The run's own process ignores SIGTERM, as a hung worker would.
        let stubborn = Process()
        stubborn.executableURL = URL(fileURLWithPath: "/bin/sh")
        stubborn.arguments = ["-c", "trap '' TERM; exec sleep 60"]
        try stubborn.run()
        defer { if stubborn.isRunning { kill(stubborn.processIdentifier, SIGKILL) } }
        let worker = RunWorker(pid: stubborn.processIdentifier, host: ProcessInfo.processInfo.hostName)
        let bounded = try await claimedRun(in: storage, worker: RunWorker.current, started: true)
        try await storage.append([Event(.engineEvent, runID: bounded, metadata: worker.metadata)])
        let tagged = Run(assetKeys: ["numbers"], tags: [Run.maxRuntimeTag: "2h"], status: .queued)
        try await storage.addRun(tagged)
        _ = try await storage.transition(
            Event(.runStarting, runID: tagged.id, metadata: RunWorker.current.metadata), from: [.queued])
        try await storage.append([Event(.runStart, runID: tagged.id)])
        let started = try #require(try await storage.run(bounded)?.startedAt)
        for id in [bounded, tagged.id] {
            try await storage.recordRunHeartbeat(RunHeartbeat(runID: id, worker: worker, timestamp: started + 3600))
        }

        let monitor = RunMonitorService(
            storage: storage, maxRuntime: .seconds(1800), terminationGrace: .milliseconds(200),
            now: { started + 3601 })
        #expect(try await monitor.check().isEmpty)
        let canceling = try await storage.events(ofRun: bounded, after: nil, limit: 100).last?.event
        #expect(canceling?.type == .runCanceling)
        #expect(
            canceling?.message
                == "The run exceeded its maximum runtime of 30 min (the daemon's --max-runtime): it ran for 1 h; "
                + "terminated. Termination requested by run monitoring.")
        // The tag bounds its run instead of the default.
        #expect(try await storage.run(tagged.id)?.status == .started)

        // The next check finds it still CANCELING past the grace: its process ignores SIGTERM.
        #expect(try await monitor.check().isEmpty)
        #expect(try await storage.run(bounded)?.status == .canceled)
        stubborn.waitUntilExit()
        #expect(stubborn.terminationReason == .uncaughtSignal && stubborn.terminationStatus == SIGKILL)
        let canceled = try await storage.events(ofRun: bounded, after: nil, limit: 100).last?.event.message
        #expect(canceled?.hasSuffix("its process was killed.") == true, "\(canceled ?? "")")
    }

    @Test func aRunStillCancelingAfterTheGraceIsCanceledWhateverAskedIt() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        // A run its own worker was asked to stop, whose step ignores cancellation: it keeps beating.
        let stuck = try await claimedRun(in: storage, worker: RunWorker.current, started: true)
        let asked = Date()
        let canceling = Event(.runCanceling, runID: stuck, timestamp: asked, level: .warning, message: "Stop.")
        #expect(try await storage.transition(canceling, from: [.started]) != nil)
        try await storage.recordRunHeartbeat(
            RunHeartbeat(runID: stuck, worker: RunWorker.current, timestamp: asked + 25))

        let early = RunMonitorService(storage: storage, terminationGrace: .seconds(20), now: { asked + 19 })
        #expect(try await early.check().isEmpty)
        #expect(try await storage.run(stuck)?.status == .canceling)
        let late = RunMonitorService(storage: storage, terminationGrace: .seconds(20), now: { asked + 21 })
        #expect(try await late.check().isEmpty)
        #expect(try await storage.run(stuck)?.status == .canceled)
        let last = try await storage.events(ofRun: stuck, after: nil, limit: 100).last?.event.message
        #expect(
            last == "Terminated: the run did not stop within 20.0 seconds of being asked to; its worker, if alive, "
                + "stops it at its next heartbeat.", "\(last ?? "")")
    }

    @Test func deadRunsAreResumedFromFailureAtMostNTimes() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let definitions = Definitions(assets: [Asset("numbers") { _ in [1, 2, 3] }])
        let remote = RunWorker(pid: 4242, host: "worker-host-b")
        // Always a minute after now, however long a loaded machine takes between two steps.
        let monitor = RunMonitorService(
            storage: storage, heartbeatTimeout: .seconds(20), definitions: definitions, maxResumeAttempts: 2,
            now: { Date() + 60 })
        var dead = try await claimedRun(in: storage, worker: remote, started: true)
        let original = dead
        for attempt in 1...2 {
            #expect(try await monitor.check().map(\.id) == [dead])
            let queued = try await storage.runs(matching: RunFilter(statuses: [.queued]), limit: 10, after: nil)
            #expect(queued.count == 1)
            let resumed = try #require(queued.first)
            #expect(resumed.parentRunID == dead)
            #expect(resumed.rootRunID == original)
            #expect(resumed.tags[RunMonitorService.resumeAttemptTag] == String(attempt))
            #expect(try resumed.stepSelection() == ["numbers"])
            // The re-execution is claimed and started by a worker that dies in turn.
            let claim = Event(.runStarting, runID: resumed.id, metadata: remote.metadata)
            #expect(try await storage.transition(claim, from: [.queued]) != nil)
            try await storage.append([Event(.runStart, runID: resumed.id)])
            dead = resumed.id
        }
        #expect(try await monitor.check().map(\.id) == [dead])
        #expect(try await storage.runs(matching: RunFilter(statuses: [.queued]), limit: 10, after: nil).isEmpty)
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).count == 3)
    }

    @Test func runsAreNotResumedByDefault() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let definitions = Definitions(assets: [Asset("numbers") { _ in [1, 2, 3] }])
        let dead = try await claimedRun(in: storage, worker: RunWorker(pid: 4242, host: "elsewhere"), started: true)
        let monitor = RunMonitorService(storage: storage, definitions: definitions, now: { Date() + 60 })
        #expect(try await monitor.check().map(\.id) == [dead])
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).map(\.id) == [dead])
    }
}
