import Cairn
import Foundation

// MARK: - Heartbeats

extension StorageConformance {
    static func runHeartbeats(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", status: .started))
        try await storage.addRun(makeRun("run-2", status: .started))
        try expectEqual(try await storage.runHeartbeats(of: ["run-1", "run-2"]).count, 0, "heartbeats before any")
        let first = RunHeartbeat(runID: "run-1", worker: RunWorker(pid: 41, host: "host-a"), timestamp: time(1))
        try await storage.recordRunHeartbeat(first)
        let latest = RunHeartbeat(runID: "run-1", worker: RunWorker(pid: 42, host: "host-b"), timestamp: time(6))
        try await storage.recordRunHeartbeat(latest)
        try await storage.recordRunHeartbeat(
            RunHeartbeat(runID: "run-2", worker: RunWorker(pid: 7, host: "host-a"), timestamp: time(2)))
        let read = try await storage.runHeartbeats(of: ["run-1", "unknown"])
        try expectEqual(Array(read.keys), ["run-1"], "runs with a heartbeat among run-1 and unknown")
        try expectEqual(read["run-1"]?.worker, latest.worker, "worker of run-1's latest heartbeat")
        try expectInstant(read["run-1"]?.timestamp, latest.timestamp, "time of run-1's latest heartbeat")
        try expectEqual(try await storage.runHeartbeats(of: []).count, 0, "heartbeats of no run")
        try expectEqual(
            try await storage.runHeartbeats(of: ["run-2", "run-1"]).mapValues(\.worker.pid), ["run-1": 42, "run-2": 7],
            "workers of both runs")
    }

    static func runHeartbeatsOfManyRuns(_ storage: any InstanceStorage) async throws {
        let ids = (0..<5_000).map { RunID("run-\($0)") }
        for id in ids where id.rawValue.hasSuffix("7") {
            try await storage.recordRunHeartbeat(
                RunHeartbeat(runID: id, worker: RunWorker(pid: 1, host: "h"), timestamp: time(1)))
        }
        let read = try await storage.runHeartbeats(of: ids)
        try expectEqual(read.count, 500, "heartbeats among 5,000 runs")
        try expect(read.keys.allSatisfy { $0.rawValue.hasSuffix("7") }, "only runs with a heartbeat are returned")
    }

    static func daemonHeartbeats(_ storage: any InstanceStorage) async throws {
        try expectEqual(try await storage.daemonHeartbeats(), [], "daemon heartbeats before any")
        let old = DaemonID("daemon-old")
        let new = DaemonID("daemon-new")
        try await storage.recordDaemonHeartbeat(
            DaemonHeartbeat(daemonID: old, service: "runs", host: "a", pid: 10, timestamp: time(1)))
        try await storage.recordDaemonHeartbeat(
            DaemonHeartbeat(daemonID: new, service: "runs", host: "b", pid: 20, timestamp: time(5)))
        try await storage.recordDaemonHeartbeat(
            DaemonHeartbeat(
                daemonID: new, service: "schedules", host: "b", pid: 20, timestamp: time(3), error: "disk full"))
        let replaced = DaemonHeartbeat(daemonID: new, service: "schedules", host: "b", pid: 20, timestamp: time(5))
        try await storage.recordDaemonHeartbeat(replaced)
        let heartbeats = try await storage.daemonHeartbeats()
        try expectEqual(
            heartbeats.map { "\($0.daemonID)/\($0.service)" },
            ["daemon-new/runs", "daemon-new/schedules", "daemon-old/runs"], "daemon heartbeats, newest first")
        try expectEqual(heartbeats[1].error, nil, "error of a heartbeat replaced by one without error")
        try expectInstant(heartbeats[1].timestamp, time(5), "time of the replaced heartbeat")
        try expectEqual(heartbeats[2].host, "a", "host of the old daemon")
        try expectEqual(heartbeats[2].pid, 10, "pid of the old daemon")
        try await storage.recordDaemonHeartbeat(
            DaemonHeartbeat(daemonID: old, service: "runs", host: "a", pid: 10, timestamp: time(6), error: "boom"))
        try expectEqual(try await storage.daemonHeartbeats().first?.error, "boom", "error of the latest heartbeat")
        try await storage.removeDaemonHeartbeats(of: new)
        try expectEqual(
            try await storage.daemonHeartbeats().map(\.daemonID), [old], "daemons left after removing one")
    }
}
