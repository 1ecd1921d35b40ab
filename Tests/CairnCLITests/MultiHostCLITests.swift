import Cairn
import CairnPostgres
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Two daemons and three workers on three hosts share one PostgreSQL server and carry out a
/// 200-partition backfill, while one host dies (its daemon and worker killed with SIGKILL, with
/// the runs they executed) and another host's worker is paused past the heartbeat timeout, then
/// resumed. Every partition must end materialized exactly once, no run left in progress.
///
/// The timings can be changed to run it again differently: `CAIRN_MULTIHOST_KILL_AT` (the share
/// of runs ended when the host dies, 0.25 by default) and `CAIRN_MULTIHOST_PAUSE_S` (how long
/// the worker is paused, 12 s by default, past the heartbeat timeout of 5 s and the starting
/// timeout of 10 s).
@Suite(.serialized) struct MultiHostCLITests {
    @Test func aBackfillSurvivesAHostDyingAndAWorkerPaused() async throws {
        let server = try TestDatabase.location()
        let environment = ProcessInfo.processInfo.environment
        let killAt = environment["CAIRN_MULTIHOST_KILL_AT"].flatMap(Double.init) ?? 0.25
        let pause = environment["CAIRN_MULTIHOST_PAUSE_S"].flatMap(Double.init) ?? 12
        let hosts = TestHosts(count: 3)
        defer { hosts.remove() }
        if let reason = hosts.fallback {
            print(
                "MultiHostCLITests: no network namespaces (\(reason)); the hosts share this network and "
                    + "reach PostgreSQL on loopback addresses 127.0.0.N instead")
        } else {
            print("MultiHostCLITests: hosts \(hosts.names.joined(separator: ", ")) in network namespaces")
        }
        let schema = "mh_" + UUID().uuidString.prefix(8).lowercased()
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-multihost-\(UUID())")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: home) }
        let storage = try await PostgresStorage.open(server.inSchema(schema))
        defer { Task { try? await storage.dropSchema() } }

        func url(from host: Int) -> String {
            "postgresql://\(server.user)@\(hosts.serverAddress(from: host)):\(server.port)/\(server.database)"
                + "?schema=\(schema)&sslmode=disable"
        }
        func variables(for host: Int) -> [String: String] {
            var variables = environment
            variables["CAIRN_HOME"] = home.path  // the values' directory, which every host mounts
            variables["CAIRN_STORAGE"] = url(from: host)
            variables["PAGEVIEWS_API_LATENCY_MS"] = "150"
            return variables
        }
        let pageviews = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("pageviews")
        let launch = try runExample(
            "pageviews",
            [
                "backfill", "launch", "--select", "key:raw_page_views or key:regional_page_visits", "--partitions",
                "2024-01-01...2024-02-19", "--no-drive", "--max-concurrent-runs", "8",
            ], environment: variables(for: 0))
        #expect(launch.status == 0, "\(launch.stdout)\(launch.stderr)")
        let backfill = try #require(try await storage.backfills(limit: 1, after: nil).first)
        #expect(backfill.partitionCount == 200)

        let daemonArguments = [
            "daemon", "--services", "backfills,run_monitoring", "--interval-ms", "250", "--lease-seconds", "3",
            "--heartbeat-timeout", "5", "--heartbeat-interval-ms", "1000", "--starting-timeout", "10",
            "--resume-dead-runs", "3",
        ]
        let workerArguments = ["worker", "--max-runs", "3", "--interval-ms", "500", "--heartbeat-interval-ms", "1000"]
        var daemons: [Process] = []
        var workers: [Process] = []
        for host in 0..<2 {
            daemons.append(
                try hosts.start(
                    on: host, pageviews, daemonArguments, environment: variables(for: host),
                    log: home.appendingPathComponent("daemon-\(host).log")))
        }
        for host in 0..<3 {
            workers.append(
                try hosts.start(
                    on: host, pageviews, workerArguments, environment: variables(for: host),
                    log: home.appendingPathComponent("worker-\(host).log")))
        }

        func runs() async throws -> [Run] { try await storage.runs(ofBackfill: backfill.id) }
        var killed: Set<Int32> = []
        func waitFor(_ what: String, seconds: Double, _ condition: () async throws -> Bool) async throws {
            let deadline = ContinuousClock.now + .seconds(seconds)
            while try await !condition() {
                let exited = (daemons + workers).filter { !$0.isRunning && !killed.contains($0.processIdentifier) }
                guard ContinuousClock.now < deadline, exited.isEmpty else {
                    let names = try FileManager.default.contentsOfDirectory(atPath: home.path).filter {
                        $0.hasSuffix(".log")
                    }
                    var report = exited.isEmpty ? "timed out waiting for \(what)" : "a process exited before \(what)"
                    for name in names {
                        let log = (try? String(contentsOf: home.appendingPathComponent(name), encoding: .utf8)) ?? ""
                        report += "\n== \(name)\n" + String(log.suffix(3000))
                    }
                    Issue.record(Comment(rawValue: report))
                    throw CancellationError()
                }
                try await Task.sleep(for: .milliseconds(10))
            }
        }

        // Host A dies once a share of the runs ended: its daemon, its worker and their runs.
        try await waitFor("a quarter of the runs to end", seconds: 120) {
            try await runs().filter(\.status.isTerminal).count >= Int(200 * killAt)
        }
        killed = [workers[0].processIdentifier, daemons[0].processIdentifier]
        TestHosts.signalTree(of: workers[0], SIGKILL)
        TestHosts.signalTree(of: daemons[0], SIGKILL)
        // Host B's worker is paused, with the runs it executes, while it has one in progress: longer
        // than both the heartbeat timeout and the starting timeout, so its run is declared dead.
        let pausedPID = workers[1].processIdentifier
        var pausedRuns: [RunID] = []
        try await waitFor("host B's worker to execute a run", seconds: 60) {
            guard !TestHosts.descendants(of: pausedPID).isEmpty else { return false }
            TestHosts.signalTree(of: workers[1], SIGSTOP)
            // What its runs sent before the pause is committed by now.
            try await Task.sleep(for: .milliseconds(300))
            let children = Set(TestHosts.descendants(of: pausedPID))
            for run in try await runs() where [.starting, .started].contains(run.status) {
                if let worker = try await RunWorker.latest(of: run, in: storage), children.contains(worker.pid) {
                    pausedRuns.append(run.id)
                }
            }
            if pausedRuns.isEmpty { TestHosts.signalTree(of: workers[1], SIGCONT) }
            return !pausedRuns.isEmpty
        }
        try await Task.sleep(for: .seconds(pause))
        TestHosts.signalTree(of: workers[1], SIGCONT)

        try await waitFor("the backfill to end", seconds: 240) {
            try await storage.backfill(backfill.id)?.status.isTerminal == true
        }
        let final = try await runs()
        let ended = try await storage.backfill(backfill.id)
        #expect(ended?.status == .completedSuccess)
        #expect(final.allSatisfy { $0.status.isTerminal }, "no run is left in progress")
        // Every partition is materialized exactly once, by one run, whatever died or paused.
        var materializations: [String: Int] = [:]
        var cursor: Int64?
        while true {
            let page = try await storage.events(after: cursor, types: [.assetMaterialization], limit: 1000)
            for record in page {
                materializations["\(record.event.assetKey!)/\(record.event.partition!)", default: 0] += 1
            }
            guard let last = page.last else { break }
            cursor = last.id
        }
        #expect(materializations.count == 200)
        #expect(materializations.values.allSatisfy { $0 == 1 }, "\(materializations.filter { $0.value != 1 })")
        // No event lost: each run that succeeded has its start, its steps' successes and its end.
        for run in final where run.status == .success {
            let types = try await storage.events(ofRun: run.id, after: nil, limit: 1000).map(\.event.type)
            #expect(types.contains(.runStart) && types.contains(.stepSuccess) && types.last == .runSuccess)
        }
        // The work was shared: runs were launched by every worker that lived.
        var launchers: Set<String> = []
        for run in final {
            let starting = try await storage.events(ofRun: run.id, after: nil, limit: 5).first {
                $0.event.type == .runStarting
            }
            if let message = starting?.event.message { launchers.insert(message) }
        }
        let workerProcesses = Set(
            launchers.compactMap { message in message.range(of: "pid ").map { message[$0.upperBound...] } })
        #expect(workerProcesses.count >= 2, "\(launchers)")
        // The paused worker's runs were declared dead: failed and resumed by another worker, or
        // marked succeeded when every step had succeeded before the pause; none ended by itself.
        for id in pausedRuns {
            let end = try await storage.events(ofRun: id, after: nil, limit: 1000).last
            let message = end?.event.message ?? "-"
            #expect(
                ["taken for dead", "stayed STARTING"].contains { message.contains($0) }, "\(id) ended: \(message)")
            if end?.event.type == .runFailure {
                #expect(final.contains { $0.parentRunID == id && $0.status == .success }, "\(id) was resumed")
            }
        }
        print(
            "MultiHostCLITests: \(final.count) runs, \(final.filter { $0.status == .failure }.count) failed, "
                + "\(final.filter { $0.parentRunID != nil }.count) resumptions, \(pausedRuns.count) paused, launched "
                + "by \(workerProcesses.count) worker processes")
        let status = try runExample("pageviews", ["daemon", "status"], environment: variables(for: 2))
        #expect(status.stdout.contains("worker"), "\(status.stdout)")
        for process in daemons + workers where process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }
}
