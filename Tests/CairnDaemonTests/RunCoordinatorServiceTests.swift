import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Holds the steps that wait on it until it opens, counting how many are waiting.
private final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiting: Int, continuations: [CheckedContinuation<Void, Never>])>(
        (false, 0, []))

    var waiting: Int { state.withLock { $0.waiting } }

    func wait() async {
        await withCheckedContinuation { continuation in
            let resume = state.withLock { state in
                state.waiting += 1
                guard !state.open else { return true }
                state.continuations.append(continuation)
                return false
            }
            if resume { continuation.resume() }
        }
    }

    func open() {
        let continuations = state.withLock { state in
            state.open = true
            defer { state.continuations = [] }
            return state.continuations
        }
        for continuation in continuations { continuation.resume() }
    }
}

@Suite struct RunCoordinatorServiceTests {
    private let definitions = Definitions(assets: [Asset("numbers") { _ in [1, 2, 3] }])

    private func queue(_ count: Int, in storage: SQLiteStorage, tags: [String: String] = [:]) async throws -> [RunID] {
        var ids = [RunID]()
        for _ in 0..<count {
            let run = Run(selection: "*", assetKeys: ["numbers"], tags: tags, status: .queued)
            try await storage.addRun(run)
            ids.append(run.id)
        }
        return ids
    }

    private func statuses(_ ids: [RunID], in storage: SQLiteStorage) async throws -> [RunStatus] {
        var statuses = [RunStatus]()
        for id in ids { statuses.append(try #require(try await storage.run(id)).status) }
        return statuses
    }

    @Test func queuedRunsAreLaunchedInProcessAndSucceed() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let ids = try await queue(3, in: storage)
        let launcher = InProcessRunLauncher(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager())
        let coordinator = RunCoordinatorService(storage: storage, launcher: launcher)
        #expect(Set(try await coordinator.launchQueuedRuns().map(\.id)) == Set(ids))
        await launcher.waitForRuns()
        #expect(try await statuses(ids, in: storage) == [.success, .success, .success])
        #expect(try await coordinator.launchQueuedRuns().isEmpty)
        let starting = try await storage.events(ofRun: ids[0], after: nil, limit: 100).first?.event
        #expect(starting?.type == .runStarting)
        #expect(starting?.metadata["cairn/worker_pid"] == .int(Int(getpid())))
    }

    @Test func theLimitsHoldWhileRunsAreInProgress() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let gate = Gate()
        let held = Definitions(assets: [
            Asset("numbers") { _ in
                await gate.wait()
                return [1]
            }
        ])
        let warehouse = try await queue(3, in: storage, tags: ["db": "warehouse"])
        let others = try await queue(3, in: storage)
        let launcher = InProcessRunLauncher(definitions: held, storage: storage, defaultIOManager: MemoryIOManager())
        let policy = RunQueuePolicy(
            maxConcurrentRuns: 3, tagConcurrencyLimits: [TagConcurrencyLimit(key: "db", value: "warehouse", limit: 2)])
        let coordinator = RunCoordinatorService(storage: storage, launcher: launcher, policy: policy)

        let first = try await coordinator.launchQueuedRuns().map(\.id)
        #expect(first == Array(warehouse.prefix(2)) + [others[0]])
        while gate.waiting < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try await coordinator.launchQueuedRuns().isEmpty)
        #expect(try await storage.runs(matching: RunFilter(statuses: [.queued]), limit: 10, after: nil).count == 3)

        gate.open()
        await launcher.waitForRuns()
        let second = try await coordinator.launchQueuedRuns().map(\.id)
        #expect(second == [warehouse[2], others[1], others[2]])
        await launcher.waitForRuns()
        #expect(try await statuses(warehouse + others, in: storage).allSatisfy { $0 == .success })
    }

    @Test func twoCoordinatorsOnOneFileNeverLaunchARunTwice() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let first = try directory.storage()
        let second = try directory.storage()
        let ids = try await queue(30, in: first)
        let launchers = [first, second].map {
            InProcessRunLauncher(definitions: definitions, storage: $0, defaultIOManager: MemoryIOManager())
        }
        let coordinators = [
            RunCoordinatorService(
                storage: first, launcher: launchers[0], policy: RunQueuePolicy(maxConcurrentRuns: 30)),
            RunCoordinatorService(
                storage: second, launcher: launchers[1], policy: RunQueuePolicy(maxConcurrentRuns: 30)),
        ]
        let launched = try await withThrowingTaskGroup(of: [RunID].self) { group in
            for coordinator in coordinators + coordinators {
                group.addTask { try await coordinator.launchQueuedRuns().map(\.id) }
            }
            return try await group.reduce(into: [RunID]()) { $0 += $1 }
        }
        for launcher in launchers { await launcher.waitForRuns() }
        #expect(launched.count == 30)
        #expect(Set(launched) == Set(ids))
        for id in ids {
            let events = try await first.events(ofRun: id, after: nil, limit: 1000)
            #expect(events.filter { $0.event.type == .runStarting }.count == 1)
            #expect(events.filter { $0.event.type == .runStart }.count == 1)
        }
        #expect(try await statuses(ids, in: first).allSatisfy { $0 == .success })
    }

    @Test func theServiceLaunchesRunsQueuedWhileItRunsAndStopsGracefully() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let launcher = InProcessRunLauncher(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager())
        let coordinator = RunCoordinatorService(storage: storage, launcher: launcher, interval: .milliseconds(10))
        let group = ServiceGroup(services: [coordinator], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            let ids = try await queue(2, in: storage)
            let deadline = ContinuousClock.now + .seconds(60)
            while try await statuses(ids, in: storage) != [.success, .success], ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await statuses(ids, in: storage) == [.success, .success])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await launcher.waitForRuns()
    }

    @Test func aRingOfTheDoorbellLaunchesAQueuedRunBeforeTheIntervalEnds() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let launcher = InProcessRunLauncher(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager())
        let doorbell = RunQueueDoorbell()
        // Without the doorbell, a run queued now would wait for the next look, an hour away.
        let coordinator = RunCoordinatorService(
            storage: storage, launcher: launcher, interval: .seconds(3600), doorbell: doorbell)
        let group = ServiceGroup(services: [coordinator], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            let ids = try await queue(1, in: storage)
            doorbell.ring()
            let deadline = ContinuousClock.now + .seconds(60)
            while try await statuses(ids, in: storage) != [.success], ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await statuses(ids, in: storage) == [.success])
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        await launcher.waitForRuns()
    }

    @Test func aRunThatCannotBeLaunchedIsMarkedFailed() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let ids = try await queue(1, in: storage)
        let launcher = ChildProcessRunLauncher(
            storage: storage, executable: directory.url.appendingPathComponent("no-such-executable"),
            home: directory.url.path)
        let coordinator = RunCoordinatorService(storage: storage, launcher: launcher)
        #expect(try await coordinator.launchQueuedRuns().isEmpty)
        let run = try #require(try await storage.run(ids[0]))
        #expect(run.status == .failure)
        let events = try await storage.events(ofRun: ids[0], after: nil, limit: 100)
        #expect(events.last?.event.message.hasPrefix("The run could not be launched") == true)
    }
}
