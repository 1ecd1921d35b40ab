import Cairn
import Foundation

// MARK: - Leases

extension StorageConformance {
    static func leases(_ storage: any InstanceStorage) async throws {
        try expectEqual(try await storage.leases(), [], "leases before any")
        let first = try await storage.acquireLease(
            "daemon:run_queue", holder: "a", now: time(0), duration: .seconds(10))
        try expectEqual(first?.holder, "a", "holder of a free lease taken by a")
        try expectEqual(first?.token, 1, "token of a lease taken for the first time")
        try expectInstant(first?.expiresAt, time(10), "expiry of a lease taken for 10 s at 0")
        try expect(
            try await storage.acquireLease("daemon:run_queue", holder: "b", now: time(9), duration: .seconds(10))
                == nil,
            "b took a lease a holds until 10, at 9")
        let renewed = try await storage.acquireLease(
            "daemon:run_queue", holder: "a", now: time(9), duration: .seconds(10))
        try expectEqual(renewed?.token, 1, "token of a lease renewed by its holder")
        try expectInstant(renewed?.expiresAt, time(19), "expiry of a lease renewed at 9 for 10 s")
        let other = try await storage.acquireLease("daemon:schedules", holder: "b", now: time(9), duration: .seconds(5))
        try expectEqual(other?.token, 1, "token of another lease, taken by b while a holds the first")
        let takenOver = try await storage.acquireLease(
            "daemon:run_queue", holder: "b", now: time(19), duration: .seconds(10))
        try expectEqual(takenOver?.holder, "b", "holder of a lease taken by b once a's expired")
        try expectEqual(takenOver?.token, 2, "token of a lease that changed holder once")
        try expect(
            try await storage.acquireLease("daemon:run_queue", holder: "a", now: time(20), duration: .seconds(10))
                == nil,
            "a took back, unexpired, the lease b took over")
        try await storage.releaseLease("daemon:run_queue", holder: "a")
        try expect(
            try await storage.acquireLease("daemon:run_queue", holder: "c", now: time(20), duration: .seconds(10))
                == nil,
            "a released a lease b holds, and c took it")
        try await storage.releaseLease("daemon:run_queue", holder: "b")
        let afterRelease = try await storage.acquireLease(
            "daemon:run_queue", holder: "c", now: time(20), duration: .seconds(10))
        try expectEqual(afterRelease?.token, 3, "token of a lease taken by c at once after b released it")
        try expectEqual(
            try await storage.leases().map(\.name), ["daemon:run_queue", "daemon:schedules"], "names of all leases")
    }

    static func concurrentLeases(_ storage: any InstanceStorage) async throws {
        let winners = try await withThrowingTaskGroup(of: String?.self) { group in
            for holder in 0..<20 {
                group.addTask {
                    try await storage.acquireLease(
                        "contended", holder: "holder-\(holder)", now: time(0), duration: .seconds(30))?.holder
                }
            }
            return try await group.reduce(into: [String]()) { if let holder = $1 { $0.append(holder) } }
        }
        try expectEqual(winners.count, 1, "holders among 20 asking at once for one lease")
    }
}
