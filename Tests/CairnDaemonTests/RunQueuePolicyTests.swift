import Cairn
import Foundation
import Testing

@Suite struct RunQueuePolicyTests {
    private let start = Date(timeIntervalSince1970: 1_000_000)

    private func run(_ name: String, at offset: Double, tags: [String: String] = [:]) -> Run {
        Run(
            id: RunID(name), assetKeys: ["a"], tags: tags, status: .queued,
            createdAt: start.addingTimeInterval(offset))
    }

    @Test func launchesUpToTheMaximumInCreationOrder() {
        let policy = RunQueuePolicy(maxConcurrentRuns: 4)
        let queued = [run("c", at: 3), run("a", at: 1), run("e", at: 5), run("b", at: 2), run("d", at: 4)]
        let inProgress = [run("x", at: 0), run("y", at: 0)]
        #expect(policy.runsToLaunch(queued: queued, inProgress: inProgress).map(\.id) == ["a", "b"])
        #expect(policy.runsToLaunch(queued: queued, inProgress: inProgress + [run("z", at: 0)]).map(\.id) == ["a"])
        #expect(policy.runsToLaunch(queued: queued, inProgress: inProgress + inProgress).isEmpty)
        #expect(policy.runsToLaunch(queued: queued, inProgress: []).map(\.id) == ["a", "b", "c", "d"])
    }

    @Test func aLimitOnATagValueHoldsOnlyRunsWithThatValue() {
        let policy = RunQueuePolicy(
            maxConcurrentRuns: 10, tagConcurrencyLimits: [TagConcurrencyLimit(key: "db", value: "warehouse", limit: 2)])
        let queued = [
            run("w1", at: 1, tags: ["db": "warehouse"]), run("w2", at: 2, tags: ["db": "warehouse"]),
            run("l1", at: 3, tags: ["db": "lake"]), run("n1", at: 4), run("w3", at: 5, tags: ["db": "warehouse"]),
        ]
        let inProgress = [run("w0", at: 0, tags: ["db": "warehouse"])]
        #expect(policy.runsToLaunch(queued: queued, inProgress: inProgress).map(\.id) == ["w1", "l1", "n1"])
        #expect(policy.runsToLaunch(queued: queued, inProgress: []).map(\.id) == ["w1", "w2", "l1", "n1"])
    }

    @Test func aLimitWithoutAValueHoldsEachValueApart() {
        let policy = RunQueuePolicy(tagConcurrencyLimits: [TagConcurrencyLimit(key: "tenant", limit: 1)])
        let queued = [
            run("a1", at: 1, tags: ["tenant": "a"]), run("a2", at: 2, tags: ["tenant": "a"]),
            run("b1", at: 3, tags: ["tenant": "b"]), run("b2", at: 4, tags: ["tenant": "b"]),
            run("c1", at: 5, tags: ["tenant": "c"]), run("none", at: 6),
        ]
        let inProgress = [run("c0", at: 0, tags: ["tenant": "c"])]
        #expect(policy.runsToLaunch(queued: queued, inProgress: inProgress).map(\.id) == ["a1", "b1", "none"])
    }

    @Test func higherPrioritiesFirstThenFirstInFirstOut() {
        let policy = RunQueuePolicy(maxConcurrentRuns: 10)
        let queued = [
            run("low", at: 1, tags: ["dagster/priority": "-1"]), run("plain1", at: 2),
            run("high2", at: 4, tags: ["dagster/priority": "5"]), run("high1", at: 3, tags: ["dagster/priority": "5"]),
            run("plain2", at: 5, tags: ["dagster/priority": "not a number"]),
            run("mid", at: 6, tags: ["dagster/priority": " 2 "]),
        ]
        #expect(
            policy.runsToLaunch(queued: queued, inProgress: []).map(\.id) == [
                "high1", "high2", "mid", "plain1", "plain2", "low",
            ])
        let two = RunQueuePolicy(maxConcurrentRuns: 2)
        #expect(two.runsToLaunch(queued: queued, inProgress: []).map(\.id) == ["high1", "high2"])
        #expect(RunQueuePolicy.priority(of: queued[0]) == -1)
    }

    @Test func tenThousandQueuedRunsRespectEveryLimit() {
        let policy = RunQueuePolicy(
            maxConcurrentRuns: 100, tagConcurrencyLimits: [TagConcurrencyLimit(key: "tenant", limit: 3)])
        let queued = (0..<10_000).map {
            run("r\($0)", at: Double($0), tags: ["tenant": "t\($0 % 50)", "dagster/priority": String($0 % 7)])
        }
        let launched = policy.runsToLaunch(queued: queued, inProgress: [])
        #expect(launched.count == 100)
        #expect(Dictionary(grouping: launched) { $0.tags["tenant"]! }.values.allSatisfy { $0.count <= 3 })
        #expect(launched.prefix(3).allSatisfy { $0.tags["dagster/priority"] == "6" }, "the highest priority first")
    }
}
