import Cairn
import CairnSQLite
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A worker paused (SIGSTOP: a long pause or a network partition in life) while its run is
/// declared dead can never change the run when it wakes up (SIGCONT).
@Suite(.serialized) struct FencingCLITests {
    /// Waits up to `seconds` for `condition`.
    private func wait(seconds: Int, until condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    /// Pauses with SIGSTOP the worker of a STARTED run of `slow`'s daemon. On a machine busy with
    /// the whole suite, this test may not be scheduled while a run is STARTED (about 2 s); then the
    /// same run is queued again, a few times at most.
    private func pauseAStartedRun(of slow: SlowCustomersRun) async throws -> (run: Run, worker: Int32) {
        let storage = slow.storage
        var run = slow.run
        for attempt in 1...5 {
            if attempt > 1 {
                run = Run(selection: run.selection, assetKeys: run.assetKeys, status: .queued, runConfig: run.runConfig)
                try await storage.addRun(run)
            }
            let current = run
            guard try await wait(seconds: 60, until: { try await storage.run(current.id)?.status == .started }),
                let worker = try await workerPID(of: current, in: storage)
            else { continue }
            kill(worker, SIGSTOP)
            if try await storage.run(current.id)?.status == .started { return (current, worker) }
            kill(worker, SIGCONT)
        }
        Issue.record("no run was caught STARTED in 5 attempts")
        throw CancellationError()
    }

    @Test func aWorkerThatWakesUpAfterItsRunEndedWritesNothing() async throws {
        let slow = try await SlowCustomersRun(daemonArguments: ["--interval-ms", "50"])
        defer { slow.remove() }
        let storage = slow.storage
        let (run, worker) = try await pauseAStartedRun(of: slow)
        // Another host's run monitoring declares the paused worker dead.
        let failure = Event(.runFailure, runID: run.id, level: .error, message: "declared dead by the test")
        let ended = try #require(try await storage.transition(failure, from: [.starting, .started]))
        kill(worker, SIGCONT)
        // Its next append is refused, and it stops.
        let stopped = try await wait(seconds: 30) { kill(worker, 0) != 0 }
        #expect(stopped, "the worker went on after its run ended")
        #expect(try await storage.run(run.id)?.status == .failure)
        let after = try await storage.events(ofRun: run.id, after: ended.id, limit: 100)
        #expect(after.isEmpty, "events stored after the run ended: \(after.map(\.event.type))")
        let materializations = try await storage.events(
            ofAsset: "raw_customer_data", types: [.assetMaterialization], after: ended.id, limit: 100)
        #expect(materializations.allSatisfy { $0.event.runID != run.id })
        _ = try slow.stopDaemon()
    }

    @Test func runMonitoringKillsAPausedWorkerItDeclaresDead() async throws {
        let slow = try await SlowCustomersRun(daemonArguments: [
            "--interval-ms", "50", "--heartbeat-timeout", "2", "--heartbeat-interval-ms", "200",
        ])
        defer { slow.remove() }
        let storage = slow.storage
        let (run, worker) = try await pauseAStartedRun(of: slow)
        let failed = try await wait(seconds: 30) { try await storage.run(run.id)?.status == .failure }
        #expect(failed, "the paused worker was not declared dead")
        let killed = try await wait(seconds: 10) { kill(worker, 0) != 0 }
        #expect(killed, "the paused worker declared dead is still there")
        if !killed { kill(worker, SIGKILL) }
        #expect(try await storage.run(run.id)?.status == .failure)
        let log = try slow.stopDaemon()
        #expect(log.contains("declared dead but still there"), "\(log)")
    }

    /// The pid of the process that executes `run`, as it recorded itself.
    private func workerPID(of run: Run, in storage: SQLiteStorage) async throws -> Int32? {
        let engine = try await storage.events(ofRun: run.id, after: nil, limit: 1000).last {
            $0.event.type == .engineEvent
        }
        guard case .int(let pid)? = engine?.event.metadata[RunWorker.pidKey] else { return nil }
        return Int32(pid)
    }
}
