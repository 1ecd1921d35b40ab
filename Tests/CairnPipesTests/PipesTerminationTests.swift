import Cairn
import CairnPipes
import CairnTesting
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Terminating a run interrupts its external processes' whole group and leaves none behind.
@Suite struct PipesTerminationTests {
    /// Whether every process of `pids` is gone within `timeout`, waited for on a thread of its
    /// own: the test's async work may wait for a busy thread pool, the processes' end may not.
    private static func allGone(_ pids: [pid_t], within timeout: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread {
                let deadline = ContinuousClock.now + timeout
                while ContinuousClock.now < deadline, !pids.allSatisfy(isGone) { usleep(10_000) }
                continuation.resume(returning: pids.allSatisfy(isGone))
            }.start()
        }
    }

    /// Whether a process is gone: it does not exist, or is a zombie waiting for its parent.
    private static func isGone(_ pid: pid_t) -> Bool {
        guard kill(pid, 0) == 0 else { return true }
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    private func waitForProcessIDs(in path: String) async throws -> [pid_t] {
        let deadline = ContinuousClock.now + .seconds(180)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8), text.hasSuffix("\n") {
                return text.split(separator: " ").compactMap {
                    pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines))
                }
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the script did not write its process ids to \(path)")
        return []
    }

    @Test(arguments: [false, true])
    func terminatingTheRunLeavesNoProcessBehind(stubborn: Bool) async throws {
        let pidFile = FileManager.default.temporaryDirectory.path + "/cairn-pids-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let asset = Asset("long") { context in
            try await context.pipes.run(
                PythonScripts.command("long_running.py"),
                extras: ["pids": .string(pidFile), "stubborn": .bool(stubborn)],
                terminationGrace: .seconds(1))
        }
        let run = Task { try await materialize([asset]) }
        let pids = try await waitForProcessIDs(in: pidFile)
        #expect(pids.count == 2)
        run.cancel()
        let gone = await Self.allGone(pids, within: .seconds(10))
        #expect(gone, "processes \(pids.filter { !Self.isGone($0) }) still run 10 s after the run was terminated")
        let result = try await run.value
        #expect(result.run.status == .canceled)
        #expect(
            result.events.contains {
                $0.event.message.contains(
                    "was interrupted (the run was terminated, or the step overstayed its timeout)")
            })
        if !stubborn {
            // SIGINT made Python raise KeyboardInterrupt, so the script closed its session.
            #expect(result.events.contains { $0.event.message.contains("closed with exception: KeyboardInterrupt") })
        }
    }

    @Test func theProcessGroupsOfARunWhoseProcessDiedAreKilled() async throws {
        let pidFile = FileManager.default.temporaryDirectory.path + "/cairn-pids-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let asset = Asset("orphan") { context in
            try await context.pipes.run(
                PythonScripts.command("long_running.py"), extras: ["pids": .string(pidFile), "stubborn": true])
        }
        let storage = InMemoryStorage()
        let run = Task { try await materialize([asset], storage: storage) }
        let pids = try await waitForProcessIDs(in: pidFile)
        let runID = try #require(try await storage.runs(matching: RunFilter(), limit: 1, after: nil).first?.id)
        // The group is recorded as soon as the process started (stored within 250 ms).
        var groups: [ExternalProcessGroup] = []
        for _ in 0..<200 where groups.isEmpty {
            groups = try await storage.events(ofRun: runID, after: nil, limit: 1000).compactMap {
                ExternalProcessGroup(recordedBy: $0.event)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(groups.map(\.id) == [pids.first ?? 0])
        // What the run monitor does once the run's own process is found dead.
        let killed = await ExternalProcessGroup.killLeftovers(of: runID, in: storage)
        #expect(killed == groups)
        let gone = await Self.allGone(pids, within: .seconds(10))
        #expect(gone)
        #expect(try await run.value.run.status == .failure)
    }

    @Test func aGroupWhosePidWasReusedIsLeftAlone() throws {
        let sleeper = Process()
        sleeper.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sleeper.arguments = ["30"]
        try sleeper.run()
        defer { sleeper.terminate() }
        let actual = try #require(ExternalProcessGroup(leader: sleeper.processIdentifier))
        let recorded = ExternalProcessGroup(id: actual.id, host: actual.host, startTicks: actual.startTicks &- 1)
        #expect(!recorded.killIfLeft())
        #expect(sleeper.isRunning)
    }

    @Test func aCommandPastItsStepTimeoutIsInterrupted() async throws {
        let slow = Asset.command(
            "slow_command", command: ["sh", "-c", "echo started; exec sleep 30"], timeout: .milliseconds(500))
        // Without the timeout the step would succeed after 30 s; how soon it is interrupted is not
        // asserted, as the whole suite's load can hold up any test's async work.
        let result = try await materialize([slow])
        #expect(result.run.status == .failure)
        let failure = try #require(result.events.first { $0.event.type == .stepFailure }?.event)
        #expect(failure.message.contains("did not finish within its timeout"))
        #expect(
            result.events.contains {
                $0.event.message.contains(
                    "was interrupted (the run was terminated, or the step overstayed its timeout)")
            })
    }
}
