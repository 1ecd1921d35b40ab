import Cairn
import Foundation
import Testing

@Suite struct RunHeartbeatLoopTests {
    /// A queued run of `slow` and `after_slow`, claimed by this process.
    private func claimedRun(in storage: InMemoryStorage) async throws -> Run {
        let run = Run(selection: "*", assetKeys: ["slow", "after_slow"], status: .queued)
        try await storage.addRun(run)
        let claim = Event(.runStarting, runID: run.id, metadata: RunWorker.current.metadata)
        #expect(try await storage.transition(claim, from: [.queued]) != nil)
        return run
    }

    /// Waits until `condition` holds, for at most 60 seconds: other tests running at once may keep
    /// every thread busy for a while.
    private func waitUntil(_ condition: () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while try await !condition(), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private let definitions: Definitions = {
        let slow = Asset("slow") { _ in
            try await Task.sleep(for: .seconds(600))
            return 1
        }
        let afterSlow = Asset("after_slow", from: slow) { _, value in value + 1 }
        return Definitions(assets: [slow, afterSlow])
    }()

    @Test func anInProcessRunSetCancelingIsCanceledByItsHeartbeatLoop() async throws {
        let storage = InMemoryStorage()
        let launcher = InProcessRunLauncher(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager(),
            heartbeatInterval: .milliseconds(20))
        let run = try await claimedRun(in: storage)
        try await launcher.launch(run)
        try await waitUntil { try await storage.runHeartbeats(of: [run.id])[run.id] != nil }
        let heartbeat = try #require(try await storage.runHeartbeats(of: [run.id])[run.id])
        #expect(heartbeat.worker == RunWorker.current)
        try await waitUntil { try await storage.run(run.id)?.status == .started }

        // What `terminate` does from another process: the run is only marked CANCELING.
        let canceling = Event(.runCanceling, runID: run.id, level: .warning, message: "Termination requested.")
        #expect(try await storage.transition(canceling, from: [.started]) != nil)
        try await waitUntil { launcher.runsInFlight.isEmpty }

        #expect(launcher.runsInFlight.isEmpty)
        #expect(try await storage.run(run.id)?.status == .canceled)
        let events = try await storage.events(ofRun: run.id, after: nil, limit: 100).map(\.event)
        #expect(events.last?.type == .runCanceled)
        #expect(!events.contains { $0.type == .runFailure })
        #expect(!events.contains { $0.type == .stepStart && $0.stepKey == "after_slow" })
        #expect(events.last?.message.contains("steps that did not finish: slow, after_slow") == true)
    }

    @Test func aRunThatIsNotCanceledKeepsBeatingUntilItEnds() async throws {
        let storage = InMemoryStorage()
        // The asset ends once it has seen its run's heartbeat renewed, and fails after a minute without.
        let watching = Definitions(assets: [
            Asset("watching") { context in
                var seen: Set<Date> = []
                let deadline = ContinuousClock.now + .seconds(60)
                while seen.count < 2 {
                    guard ContinuousClock.now < deadline else { throw TestFailure(description: "no new heartbeat") }
                    if let heartbeat = try await storage.runHeartbeats(of: [context.runID])[context.runID] {
                        seen.insert(heartbeat.timestamp)
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                return 1
            }
        ])
        let launcher = InProcessRunLauncher(
            definitions: watching, storage: storage, defaultIOManager: MemoryIOManager(),
            heartbeatInterval: .milliseconds(20))
        let run = Run(selection: "*", assetKeys: ["watching"], status: .queued)
        try await storage.addRun(run)
        _ = try await storage.transition(Event(.runStarting, runID: run.id), from: [.queued])
        try await launcher.launch(run)
        await launcher.waitForRuns()
        #expect(try await storage.run(run.id)?.status == .success)
    }
}
