import CairnSQLite
import CairnTesting
import Foundation
import Synchronization
import Testing

@testable import Cairn

@Suite(.timeLimit(.minutes(1))) struct ConcurrencyPoolTests {
    @Test func twoRunsNeverRunMoreStepsOfAPoolThanItsLimit() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/cairn.sqlite"
        try await SQLiteStorage(path: path).setPoolLimit(2, for: "api")
        let gauge = PoolGauge()
        let localDone = CallCounter()
        let fetches = (0..<4).map { number in
            Asset("fetch_\(number)", pool: "api") { _ in
                await gauge.enter()
                // Held until both runs' local steps ran: a local step held back behind the steps
                // waiting for the pool would make this time out.
                let waited = try await Self.wait { localDone.count("local") == 2 }
                await gauge.leave()
                guard waited else { throw TestFailure(description: "the local steps never ran") }
                return number
            }
        }
        let local = Asset("local") { _ in
            localDone.record("local")
            return "done"
        }
        let definitions = Definitions(assets: fetches + [local])
        async let first = definitions.materialize(
            "*", storage: SQLiteStorage(path: path), defaultIOManager: MemoryIOManager(), maxConcurrency: 3)
        async let second = definitions.materialize(
            "*", storage: SQLiteStorage(path: path), defaultIOManager: MemoryIOManager(), maxConcurrency: 3)
        let results = try await [first, second]

        #expect(results.allSatisfy { $0.status == .success })
        #expect(await gauge.entered == 8)
        #expect(await gauge.mostAtOnce == 2)
        let storage = try SQLiteStorage(path: path)
        #expect(try await storage.concurrencyPools() == [ConcurrencyPool(name: "api", limit: 2)])
        var waits: [String] = []
        for result in results {
            waits += try await storage.events(ofRun: result.runID, after: nil, limit: 1000)
                .filter { $0.event.type == .engineEvent }.map(\.event.message)
        }
        #expect(waits.contains { $0.hasSuffix("waiting for a slot in pool api (limit 2, in use 2)") })
    }

    @Test func aFailingStepReleasesItsSlot() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteStorage(path: directory.path + "/cairn.sqlite")
        try await storage.setPoolLimit(1, for: "api")
        let broken = Asset("broken", pool: "api") { _ -> Int in throw TestFailure(description: "API down") }
        let healthy = Asset("healthy", pool: "api") { _ in 1 }
        let result = try await Definitions(assets: [broken, healthy]).materialize(
            "*", storage: storage, defaultIOManager: MemoryIOManager(), maxConcurrency: 2)

        let waits = try await storage.events(after: nil, types: [.engineEvent], limit: 10).compactMap(\.event.stepKey)
        #expect(waits.count == 1, "one step waited for the other's slot")
        let outcomes = Dictionary(uniqueKeysWithValues: result.steps.map { ($0.key, $0.outcome) })
        #expect(outcomes["broken"] != .success && outcomes["broken"] != .skipped)
        #expect(outcomes["healthy"] == .success)
        #expect(try await storage.concurrencyPools() == [ConcurrencyPool(name: "api", limit: 1)])
    }

    @Test func aRetriedStepGivesUpItsSlotWhileItWaits() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteStorage(path: directory.path + "/cairn.sqlite")
        try await storage.setPoolLimit(1, for: "api")
        let attempts = CallCounter()
        let flaky = Asset("flaky", retryPolicy: RetryPolicy(maxRetries: 1, delay: .seconds(30)), pool: "api") {
            context in
            if attempts.record("attempt") == 0 { throw TestFailure(description: "timeout") }
            return context.retryNumber
        }
        let clock = SlotObservingClock(storage: storage)
        let result = try await Definitions(assets: [flaky]).materialize(
            "*", storage: storage, defaultIOManager: MemoryIOManager(), clock: clock)

        #expect(result.status == .success)
        #expect(clock.poolsSeenWhileSleeping == [[ConcurrencyPool(name: "api", limit: 1)]])
        #expect(try await storage.concurrencyPools() == [ConcurrencyPool(name: "api", limit: 1)])
    }

    @Test func aStepWaitsForASlotHeldByARunInProgress() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteStorage(path: directory.path + "/cairn.sqlite")
        try await storage.setPoolLimit(1, for: "api")
        try await storage.addRun(Run(id: "other", assetKeys: ["elsewhere"], status: .started))
        #expect(try await storage.claimPoolSlot("api", runID: "other", stepKey: "elsewhere", at: Date()) == .claimed)
        let fetch = Asset("fetch", pool: "api") { _ in 1 }
        let definitions = Definitions(assets: [fetch])
        let run = Task {
            try await definitions.materialize("*", storage: storage, defaultIOManager: MemoryIOManager())
        }
        let announced = try await Self.wait {
            let events = try await storage.events(after: nil, types: [.engineEvent], limit: 10)
            return events.contains {
                $0.event.stepKey == "fetch"
                    && $0.event.message == "Step \"fetch\" waiting for a slot in pool api (limit 1, in use 1)"
            }
        }
        #expect(announced)
        #expect(try await storage.events(after: nil, types: [.stepSuccess], limit: 10).isEmpty)
        try await storage.releasePoolSlot("api", runID: "other", stepKey: "elsewhere")
        let result = try await run.value
        #expect(result.status == .success)
        #expect(try await storage.events(after: nil, types: [.engineEvent], limit: 10).count == 1)
    }

    @Test func aCancelledRunStopsWaitingAndReleasesItsSlots() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteStorage(path: directory.path + "/cairn.sqlite")
        try await storage.setPoolLimit(2, for: "api")
        try await storage.addRun(Run(id: "other", assetKeys: ["elsewhere"], status: .started))
        _ = try await storage.claimPoolSlot("api", runID: "other", stepKey: "elsewhere", at: Date())
        let slow = Asset("slow", pool: "api") { _ in
            try await Task.sleep(for: .seconds(60))
            return 1
        }
        let fetch = Asset("fetch", pool: "api") { _ in 1 }
        let definitions = Definitions(assets: [slow, fetch])
        let run = Task {
            try await definitions.materialize(
                "*", storage: storage, defaultIOManager: MemoryIOManager(), maxConcurrency: 2)
        }
        #expect(try await Self.wait { try await !storage.events(after: nil, types: [.engineEvent], limit: 1).isEmpty })
        run.cancel()
        let result = try await run.value
        #expect(result.status == .canceled)
        #expect(try await storage.events(after: nil, types: [.stepSuccess], limit: 10).isEmpty)

        let holders = try await storage.concurrencyPools().first?.claims.map(\.runID)
        #expect(holders == ["other"], "the slot of the cancelled step is released")
    }

    @Test func aCancelledRunInMemoryEndsCanceledWithoutItsWaitingStep() async throws {
        let storage = InMemoryStorage()
        try await storage.setPoolLimit(1, for: "api")
        try await storage.addRun(Run(id: "other", assetKeys: ["elsewhere"], status: .started))
        _ = try await storage.claimPoolSlot("api", runID: "other", stepKey: "elsewhere", at: Date())
        let fetch = Asset("fetch", pool: "api") { _ in 1 }
        let report = Asset("report", from: fetch) { _, value in value }
        let definitions = Definitions(assets: [fetch, report])
        let run = Task {
            try await definitions.materialize("*", storage: storage, defaultIOManager: MemoryIOManager())
        }
        #expect(try await Self.wait { try await !storage.events(after: nil, types: [.engineEvent], limit: 1).isEmpty })
        run.cancel()
        let result = try await run.value

        #expect(result.status == .canceled)
        #expect(try await storage.events(after: nil, types: [.stepSuccess], limit: 10).isEmpty)
        let failure = try await storage.events(after: nil, types: [.stepFailure], limit: 10).map(\.event.message)
        #expect(failure == ["Step \"fetch\" was canceled while it waited for a slot in pool api"])
        let holders = try await storage.concurrencyPools().first?.claims.map(\.runID)
        #expect(holders == ["other"])
    }

    @Test func aClaimOfAnEndedRunDoesNotBlock() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try SQLiteStorage(path: directory.path + "/cairn.sqlite")
        try await storage.setPoolLimit(1, for: "api")
        try await storage.addRun(Run(id: "killed", assetKeys: ["elsewhere"], status: .started))
        #expect(try await storage.claimPoolSlot("api", runID: "killed", stepKey: "elsewhere", at: Date()) == .claimed)
        // What the run monitor records when the worker of a run was killed with SIGKILL.
        try await storage.append([Event(.runFailure, runID: "killed", level: .error, message: "worker died")])
        let fetch = Asset("fetch", pool: "api") { _ in 1 }
        let result = try await Definitions(assets: [fetch]).materialize(
            "*", storage: storage, defaultIOManager: MemoryIOManager())

        #expect(result.status == .success)
        #expect(try await storage.events(after: nil, types: [.engineEvent], limit: 10).isEmpty)
        #expect(try await storage.concurrencyPools() == [ConcurrencyPool(name: "api", limit: 1)])
    }

    @Test func badPoolNamesAreDefinitionsProblemsWithTheirLocation() throws {
        let empty = Asset("empty", pool: "") { _ in 1 }
        let spaced = Asset("spaced", pool: "my api") { _ in 1 }
        let fine = Asset("fine", pool: "api") { _ in 1 }
        let op = Op("tab", pool: "a\tb") { _ in 1 }
        let line = #line - 1
        let error = #expect(throws: DefinitionsError.self) {
            try Definitions(assets: [empty, spaced, fine], jobs: [Job("nightly", ops: [op])]).assetGraph
        }
        let messages = error?.problems.map(\.message) ?? []
        #expect(messages.count == 3)
        #expect(messages.contains { $0.hasPrefix("asset 'empty': a pool name must not be empty") })
        #expect(messages.contains { $0.hasPrefix("asset 'spaced': pool name 'my api' contains whitespace") })
        #expect(messages.contains { $0.contains("use 'my_api' instead") })
        let opProblem = error?.problems.first { $0.message.hasPrefix("op 'tab' of job 'nightly'") }
        #expect(opProblem?.location == SourceLocation(file: #fileID, line: line))
        #expect(try Definitions(assets: [fine]).assetGraph.definitions.first?.pool == "api")
    }

    /// Polls `condition` every 10 ms for up to 10 s; returns whether it became true.
    private static func wait(until condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<1000 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}

/// How many steps of a pool run at once, and the most there ever were.
private actor PoolGauge {
    private(set) var active = 0
    private(set) var mostAtOnce = 0
    private(set) var entered = 0

    func enter() {
        active += 1
        entered += 1
        mostAtOnce = max(mostAtOnce, active)
    }

    func leave() { active -= 1 }
}

/// A clock whose sleeps return at once, after recording the pools' claims at that moment.
private final class SlotObservingClock: Clock, Sendable {
    let storage: SQLiteStorage
    private let clock = TestClock()
    private let seen = Mutex<[[ConcurrencyPool]]>([])

    init(storage: SQLiteStorage) { self.storage = storage }

    var now: TestClock.Instant { clock.now }
    var minimumResolution: Duration { .zero }
    var poolsSeenWhileSleeping: [[ConcurrencyPool]] { seen.withLock { $0 } }

    func sleep(until deadline: TestClock.Instant, tolerance: Duration?) async throws {
        let pools = try await storage.concurrencyPools()
        seen.withLock { $0.append(pools) }
        try await clock.sleep(until: deadline, tolerance: tolerance)
    }
}
