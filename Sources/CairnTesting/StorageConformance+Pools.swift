import Cairn
import Foundation

// MARK: - Concurrency pools

extension StorageConformance {
    static func poolLimits(_ storage: any InstanceStorage) async throws {
        try expectEqual(try await storage.concurrencyPools(), [], "pools of an empty storage")
        try await storage.setPoolLimit(3, for: "api")
        try await storage.setPoolLimit(1, for: "db")
        try await storage.setPoolLimit(2, for: "api")
        try await storage.setPoolLimit(0, for: "closed")
        try expectEqual(
            try await storage.concurrencyPools(),
            [
                ConcurrencyPool(name: "api", limit: 2), ConcurrencyPool(name: "closed", limit: 0),
                ConcurrencyPool(name: "db", limit: 1),
            ], "pools after setting and replacing limits")
        try expect(try await storage.deletePoolLimit("db"), "deleting the limit of pool db returned false")
        try expect(!(try await storage.deletePoolLimit("db")), "deleting the limit of pool db twice returned true")
        try expect(!(try await storage.deletePoolLimit("never")), "deleting a limit never set returned true")
        try expectEqual(
            try await storage.concurrencyPools().map(\.name), ["api", "closed"], "pools after deleting db's limit")

        try expectEqual(try await storage.defaultPoolLimit(), nil, "default limit of an empty storage")
        try await storage.setDefaultPoolLimit(4)
        try expectEqual(try await storage.defaultPoolLimit(), 4, "default limit after setting it to 4")
        try await storage.setDefaultPoolLimit(1)
        try expectEqual(try await storage.defaultPoolLimit(), 1, "default limit after replacing it")
        try await storage.setDefaultPoolLimit(nil)
        try expectEqual(try await storage.defaultPoolLimit(), nil, "default limit after removing it")

        try await expectPoolError(.negativeLimit(-1, pool: "api"), "a limit of -1 for pool api") {
            try await storage.setPoolLimit(-1, for: "api")
        }
        try await expectPoolError(.negativeLimit(-2, pool: nil), "a default limit of -2") {
            try await storage.setDefaultPoolLimit(-2)
        }
        for name in ["", " api", "my api", "api\n"] {
            guard let problem = ConcurrencyPool.problem(withName: name) else {
                throw Mismatch(message: "pool name '\(name)' was accepted")
            }
            try await expectPoolError(.invalidName(name, problem: problem), "a limit for pool '\(name)'") {
                try await storage.setPoolLimit(1, for: name)
            }
        }
        try expectEqual(
            try await storage.concurrencyPools(),
            [ConcurrencyPool(name: "api", limit: 2), ConcurrencyPool(name: "closed", limit: 0)],
            "pools after rejected limits")
    }

    static func poolClaims(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", status: .started))
        try await storage.addRun(makeRun("run-2", status: .started, createdAt: 1))
        try await storage.setPoolLimit(2, for: "api")
        try expectEqual(
            try await storage.claimPoolSlot("api", runID: "run-1", stepKey: "a", at: time(1)), .claimed,
            "first claim of a limit-2 pool")
        try expectEqual(
            try await storage.claimPoolSlot("api", runID: "run-1", stepKey: "a", at: time(5)), .claimed,
            "the same step claiming again")
        try expectEqual(
            try await storage.claimPoolSlot("api", runID: "run-2", stepKey: "b", at: time(2)), .claimed,
            "second claim of a limit-2 pool")
        try expectEqual(
            try await storage.claimPoolSlot("api", runID: "run-2", stepKey: "c", at: time(3)),
            .full(limit: 2, inUse: 2), "third claim of a limit-2 pool")
        try expectEqual(
            try await storage.concurrencyPools(),
            [
                ConcurrencyPool(
                    name: "api", limit: 2,
                    claims: [
                        PoolClaim(runID: "run-1", stepKey: "a", claimedAt: time(1)),
                        PoolClaim(runID: "run-2", stepKey: "b", claimedAt: time(2)),
                    ])
            ], "pools with two claims, the repeated one not counted twice")
        try await storage.releasePoolSlot("api", runID: "run-1", stepKey: "a")
        try await storage.releasePoolSlot("api", runID: "run-1", stepKey: "a")
        try await storage.releasePoolSlot("api", runID: "run-1", stepKey: "never-claimed")
        try expectEqual(
            try await storage.claimPoolSlot("api", runID: "run-2", stepKey: "c", at: time(4)), .claimed,
            "a claim after a release")
        try expectEqual(
            try await storage.concurrencyPools().first?.claims.map(\.stepKey), ["b", "c"],
            "steps holding slots after a release")

        try await storage.setPoolLimit(0, for: "closed")
        try expectEqual(
            try await storage.claimPoolSlot("closed", runID: "run-1", stepKey: "a", at: time(6)),
            .full(limit: 0, inUse: 0), "a claim of a limit-0 pool")
        try await expectThrows(.unknownRun("ghost"), "a claim for run ghost") {
            _ = try await storage.claimPoolSlot("api", runID: "ghost", stepKey: "a", at: time(7))
        }
        try await storage.addRun(makeRun("ended", status: .failure))
        try await expectThrows(.runEnded("ended", .failure), "a claim of a run that ended (a late worker)") {
            _ = try await storage.claimPoolSlot("api", runID: "ended", stepKey: "a", at: time(8))
        }
    }

    static func poolDefaultLimit(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", status: .started))
        for step in 0..<5 {
            try expectEqual(
                try await storage.claimPoolSlot("free", runID: "run-1", stepKey: "s\(step)", at: time(Double(step))),
                .claimed, "claim \(step + 1) of a pool without a limit")
        }
        try expectEqual(
            try await storage.concurrencyPools(),
            [
                ConcurrencyPool(
                    name: "free", limit: nil,
                    claims: (0..<5).map { PoolClaim(runID: "run-1", stepKey: "s\($0)", claimedAt: time(Double($0))) })
            ], "a pool without a limit, listed for its claims")
        try await storage.setDefaultPoolLimit(1)
        try expectEqual(
            try await storage.claimPoolSlot("other", runID: "run-1", stepKey: "a", at: time(10)), .claimed,
            "first claim of a pool with the default limit 1")
        try expectEqual(
            try await storage.claimPoolSlot("other", runID: "run-1", stepKey: "b", at: time(11)),
            .full(limit: 1, inUse: 1), "second claim of a pool with the default limit 1")
        try await storage.setPoolLimit(2, for: "other")
        try expectEqual(
            try await storage.claimPoolSlot("other", runID: "run-1", stepKey: "b", at: time(12)), .claimed,
            "a claim of a pool whose own limit 2 replaces the default 1")
    }

    static func poolClaimsOfEndedRuns(_ storage: any InstanceStorage) async throws {
        try await storage.setPoolLimit(1, for: "api")
        for (index, end) in [EventType.runSuccess, .runFailure, .runCanceled].enumerated() {
            let killed = RunID("killed-\(index)")
            try await storage.addRun(makeRun(killed, createdAt: Double(index)))
            try await storage.append([Event(.runStart, runID: killed, timestamp: time(Double(index)))])
            try expectEqual(
                try await storage.claimPoolSlot("api", runID: killed, stepKey: "a", at: time(Double(index))), .claimed,
                "claim of \(killed) while the pool is free")
            try await storage.append([Event(end, runID: killed, timestamp: time(Double(index) + 0.5))])
            try expectEqual(
                try await storage.concurrencyPools(), [ConcurrencyPool(name: "api", limit: 1)],
                "pools after \(killed) ended with \(end.rawValue) without releasing its slot")
        }
        try await storage.addRun(makeRun("alive", status: .started, createdAt: 10))
        try expectEqual(
            try await storage.claimPoolSlot("api", runID: "alive", stepKey: "a", at: time(10)), .claimed,
            "a claim while only ended runs held the slot")
        try expectEqual(
            try await storage.concurrencyPools().first?.claims.map(\.runID), ["alive"], "runs holding slots of api")
    }

    static func concurrentPoolClaims(_ storage: any InstanceStorage) async throws {
        try await storage.setPoolLimit(1, for: "api")
        let runIDs = (0..<10).map { RunID("run-\($0)") }
        for (index, id) in runIDs.enumerated() {
            try await storage.addRun(makeRun(id, status: .started, createdAt: Double(index)))
        }
        let winners = try await withThrowingTaskGroup(of: RunID?.self) { group in
            for id in runIDs {
                group.addTask {
                    try await storage.claimPoolSlot("api", runID: id, stepKey: "fetch", at: time(1)) == .claimed
                        ? id : nil
                }
            }
            var winners: [RunID] = []
            for try await winner in group {
                if let winner { winners.append(winner) }
            }
            return winners
        }
        try expectEqual(winners.count, 1, "claims won by 10 concurrent claimers of a limit-1 pool")
        try expectEqual(
            try await storage.concurrencyPools().first?.claims.map(\.runID), winners, "the run holding the slot")
    }

    private static func expectPoolError(
        _ expected: ConcurrencyPoolError, _ what: String, _ body: () async throws -> Void
    ) async throws {
        do {
            try await body()
        } catch let error as ConcurrencyPoolError {
            try expectEqual(error, expected, "error from \(what)")
            return
        }
        throw Mismatch(message: "\(what) did not throw; expected \(expected)")
    }
}
