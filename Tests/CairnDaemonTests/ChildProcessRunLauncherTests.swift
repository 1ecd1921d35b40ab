import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Testing

@Suite struct ChildProcessRunLauncherTests {
    /// An executable shell script with this body.
    private func script(_ body: String, in directory: TemporaryDirectory) throws -> URL {
        try FileManager.default.createDirectory(at: directory.url, withIntermediateDirectories: true)
        let url = directory.url.appendingPathComponent("worker-\(UUID()).sh")
        try ("#!/bin/sh\n" + body + "\n").write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url
    }

    private func launch(_ body: String) async throws -> (Run, [EventRecord]) {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        var run = Run(assetKeys: ["numbers"], status: .queued)
        try await storage.addRun(run)
        _ = try await storage.transition(Event(.runStarting, runID: run.id), from: [.queued])
        run.status = .starting
        let launcher = ChildProcessRunLauncher(
            storage: storage, executable: try script(body, in: directory), home: directory.url.path)
        // Another test's process, forked while the script was being written, may still hold it open
        // for a moment ("Text file busy"): try again.
        for attempt in 1...20 {
            do {
                try await launcher.launch(run)
                break
            } catch let error as NSError
                where (error.userInfo[NSUnderlyingErrorKey] as? NSError)?.code == Int(ETXTBSY) && attempt < 20
            {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        await launcher.waitForRuns()
        #expect(launcher.runsInFlight.isEmpty)
        return (
            try #require(try await storage.run(run.id)), try await storage.events(ofRun: run.id, after: nil, limit: 100)
        )
    }

    @Test func aChildThatExitsWithAFailureWithoutEndingItsRunFailsTheRun() async throws {
        let (run, events) = try await launch("test \"$1\" = execute-run && test \"$3\" = --home && exit 3")
        #expect(run.status == .failure)
        let engine = try #require(events.first { $0.event.type == .engineEvent }?.event)
        guard case .int(let pid)? = engine.metadata[RunWorker.pidKey] else {
            Issue.record("no worker pid in \(engine.metadata)")
            return
        }
        #expect(pid != Int(getpid()))
        #expect(
            events.last?.event.message
                == "The process that ran this run (pid \(pid) on \(ProcessInfo.processInfo.hostName)) exited with status 3 before the run ended."
        )
    }

    @Test func aChildKilledByASignalFailsTheRun() async throws {
        let (run, events) = try await launch("kill -9 $$")
        #expect(run.status == .failure)
        #expect(events.last?.event.message.hasSuffix("was killed by signal 9 before the run ended.") == true)
    }

    @Test func aChildThatExitsCleanlyLeavesTheRunAlone() async throws {
        let (run, events) = try await launch("exit 0")
        #expect(run.status == .starting)
        #expect(!events.contains { $0.event.type == .runFailure })
    }
}
