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

    @Test func aWorkerThatWakesUpAfterItsRunEndedWritesNothing() async throws {
        let slow = try await SlowCustomersRun(daemonArguments: ["--interval-ms", "50"])
        defer { slow.remove() }
        let (storage, run) = (slow.storage, slow.run)
        let started = try await wait(seconds: 60) { try await storage.run(run.id)?.status == .started }
        let events = try await storage.events(ofRun: run.id, after: nil, limit: 100).map {
            "\($0.event.type.rawValue): \($0.event.message)"
        }
        let status = try await storage.run(run.id)?.status.rawValue ?? "-"
        #expect(started, "run \(run.id) is \(status): \(events)")
        let worker = try #require(try await slow.workerPID())
        kill(worker, SIGSTOP)
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
        #expect(
            try await storage.latestMaterializations(of: ["raw_customer_data"]).values.allSatisfy {
                $0.event.runID != run.id
            })
        _ = try slow.stopDaemon()
    }

    @Test func runMonitoringKillsAPausedWorkerItDeclaresDead() async throws {
        let slow = try await SlowCustomersRun(daemonArguments: [
            "--interval-ms", "50", "--heartbeat-timeout", "2", "--heartbeat-interval-ms", "200",
        ])
        defer { slow.remove() }
        let (storage, run) = (slow.storage, slow.run)
        #expect(try await wait(seconds: 60) { try await storage.run(run.id)?.status == .started })
        let worker = try #require(try await slow.workerPID())
        kill(worker, SIGSTOP)
        let failed = try await wait(seconds: 30) { try await storage.run(run.id)?.status == .failure }
        #expect(failed, "the paused worker was not declared dead")
        let killed = try await wait(seconds: 10) { kill(worker, 0) != 0 }
        #expect(killed, "the paused worker declared dead is still there")
        if !killed { kill(worker, SIGKILL) }
        #expect(try await storage.run(run.id)?.status == .failure)
        let log = try slow.stopDaemon()
        #expect(log.contains("declared dead but still there"), "\(log)")
    }
}
