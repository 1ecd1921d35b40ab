import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Synchronization
import Testing

/// The storages run-status sensors are tested on.
enum StorageKind: String, CaseIterable, Sendable {
    case memory
    case sqlite

    /// A new empty storage of this kind; a SQLite file goes in `directory`.
    func make(in directory: TemporaryDirectory) throws -> any InstanceStorage {
        switch self {
        case .memory: InMemoryStorage()
        case .sqlite: try directory.storage()
        }
    }
}

/// A time that tests move on by hand.
private final class SteppedTime: Sendable {
    private let current = Mutex(ISO8601Timestamp.parse("2024-01-04T12:00:00Z")!)

    var now: Date { current.withLock { $0 } }

    func advance(seconds: Double) { current.withLock { $0 += seconds } }
}

/// The error of a reaction that fails.
private struct ReactionBroke: Error, CustomStringConvertible {
    var description: String { "the pager is out of battery" }
}

@Suite struct RunStatusSensorTests {
    private static func definitions(_ sensors: [Sensor]) -> Definitions {
        let raw = Asset("raw") { _ in 1 }
        return Definitions(assets: [raw, Asset("report", from: raw) { _, raw in raw + 1 }], sensors: sensors)
    }

    /// Adds a run of `keys` (tagged `tags`) that ends with `status`, as the executor ends runs.
    @discardableResult
    private static func endRun(
        _ status: RunStatus, of keys: [AssetKey] = ["raw"], tags: [String: String] = [:],
        in storage: any InstanceStorage
    ) async throws -> RunID {
        let run = Run(assetKeys: keys, tags: tags, status: .queued)
        try await storage.addRun(run)
        let end: Event =
            switch status {
            case .success: Event(.runSuccess, runID: run.id)
            case .canceled: Event(.runCanceled, runID: run.id)
            default: Event(.runFailure, runID: run.id, level: .error, message: "steps failed: raw")
            }
        try await storage.append([Event(.runStart, runID: run.id), end])
        return run.id
    }

    @Test(arguments: StorageKind.allCases)
    func startsFromNowAndReactsOnceToEachRunEndingWithItsStatus(_ kind: StorageKind) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try kind.make(in: directory)
        let seen = Mutex<[RunID]>([])
        let messages = Mutex<[String?]>([])
        let sensor = Sensor.onRunStatus(.failure, name: "failures", defaultStatus: .running) { context in
            seen.withLock { $0.append(context.run.id) }
            messages.withLock { $0.append(context.failureMessage) }
            return []
        }
        let time = SteppedTime()
        let service = SensorService(definitions: Self.definitions([sensor]), storage: storage, now: { time.now })
        try await Self.endRun(.failure, in: storage)

        let first = try await service.evaluateSensors()
        #expect(first.map(\.status) == [.skipped])
        #expect(first.first?.message?.hasPrefix("first evaluation") == true)
        #expect(try await storage.scheduleState(sensor.storageName)?.cursor == "\(try await storage.lastEventID()!)")

        let failed = try await Self.endRun(.failure, in: storage)
        try await Self.endRun(.success, in: storage)
        time.advance(seconds: 10)
        #expect(try await service.evaluateSensors().isEmpty, "the minimum interval has not passed")
        time.advance(seconds: 20)
        let second = try await service.evaluateSensors()
        #expect(second.first?.message == "reacted to 1 run(s): \(failed)")
        #expect(seen.withLock { $0 } == [failed])
        #expect(messages.withLock { $0 } == ["steps failed: raw"])

        time.advance(seconds: 30)
        let third = try await service.evaluateSensors()
        #expect(third.first?.message == "no monitored run ended with status FAILURE")
        #expect(seen.withLock { $0 } == [failed])
    }

    @Test(arguments: StorageKind.allCases)
    func monitoredAssetsFilterRunsAndRequestedRunsAreNotReactedTo(_ kind: StorageKind) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try kind.make(in: directory)
        let sensor = Sensor.onRunStatus(
            .success, name: "after_raw", monitoredAssets: ["raw"], target: .selection("key:report"),
            defaultStatus: .running
        ) { context in
            [RunRequest(runKey: context.run.id.rawValue)]
        }
        let time = SteppedTime()
        let service = SensorService(definitions: Self.definitions([sensor]), storage: storage, now: { time.now })
        try await service.evaluateSensors()
        let rawRun = try await Self.endRun(.success, of: ["raw"], in: storage)
        try await Self.endRun(.success, of: ["report"], in: storage)
        try await Self.endRun(.failure, of: ["raw"], in: storage)
        time.advance(seconds: 30)
        let ticks = try await service.evaluateSensors()
        #expect(ticks.map(\.status) == [.success])
        let requested = try await storage.runs(
            matching: RunFilter(tags: [Sensor.tag: "after_raw"]), limit: 10, after: nil)
        #expect(requested.map(\.assetKeys) == [["report"]])
        #expect(requested.first?.tags[SensorEvaluation.runKeyTag] == rawRun.rawValue)
        #expect(requested.first?.status == .queued)

        // The run the sensor requested materializes raw too: the sensor must not react to it.
        let own = try await Self.endRun(
            .success, of: ["raw", "report"], tags: [Sensor.tag: "after_raw"], in: storage)
        time.advance(seconds: 30)
        let next = try await service.evaluateSensors()
        #expect(next.first?.message == "no monitored run ended with status SUCCESS")
        #expect(
            try await storage.runs(
                matching: RunFilter(tags: [SensorEvaluation.runKeyTag: own.rawValue]), limit: 10, after: nil
            ).isEmpty)
    }

    @Test(arguments: StorageKind.allCases)
    func aFailingReactionKeepsTheRunsBeforeItAndRetriesItsRunAtTheNextTick(_ kind: StorageKind) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try kind.make(in: directory)
        let seen = Mutex<[RunID]>([])
        let broken = Mutex<RunID?>(nil)
        let sensor = Sensor.onRunStatus(.failure, name: "pager", defaultStatus: .running) { context in
            if broken.withLock({ $0 }) == context.run.id { throw ReactionBroke() }
            seen.withLock { $0.append(context.run.id) }
            return []
        }
        let time = SteppedTime()
        let service = SensorService(definitions: Self.definitions([sensor]), storage: storage, now: { time.now })
        try await service.evaluateSensors()
        let first = try await Self.endRun(.failure, in: storage)
        let second = try await Self.endRun(.failure, in: storage)
        let third = try await Self.endRun(.failure, in: storage)
        broken.withLock { $0 = second }
        time.advance(seconds: 30)
        let failing = try await service.evaluateSensors()
        #expect(failing.map(\.status) == [.failure])
        #expect(
            failing.first?.message?.contains("failed reacting to run \(second): the pager is out of battery") == true)
        #expect(seen.withLock { $0 } == [first])

        broken.withLock { $0 = nil }
        time.advance(seconds: 30)
        let retried = try await service.evaluateSensors()
        #expect(retried.first?.message == "reacted to 2 run(s): \(second), \(third)")
        #expect(seen.withLock { $0 } == [first, second, third])
    }

    @Test(arguments: StorageKind.allCases)
    func requestingRunsWithoutATargetFailsTheTickSayingHowToFixIt(_ kind: StorageKind) async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try kind.make(in: directory)
        let sensor = Sensor.onRunStatus(.canceled, name: "rerun", defaultStatus: .running) { _ in [RunRequest()] }
        let time = SteppedTime()
        let service = SensorService(definitions: Self.definitions([sensor]), storage: storage, now: { time.now })
        try await service.evaluateSensors()
        let cursor = try await storage.scheduleState(sensor.storageName)?.cursor
        try await Self.endRun(.canceled, in: storage)
        time.advance(seconds: 30)
        let ticks = try await service.evaluateSensors()
        #expect(ticks.map(\.status) == [.failure])
        #expect(ticks.first?.message?.contains("requested 1 run(s) but has no target; give it `target:") == true)
        #expect(try await storage.scheduleState(sensor.storageName)?.cursor == cursor)
    }

    @Test func validationNamesStatusesThatEndNoRunAndUnknownJobsAndAssets() {
        let sensor = Sensor.onRunStatus(
            .queued, name: "odd", monitoredJobs: ["exprot"], monitoredAssets: ["rwa"]
        ) { _ in [] }
        #expect(sensor.target == nil)
        #expect(sensor.monitor == RunStatusMonitor(status: .queued, jobs: ["exprot"], assets: ["rwa"]))
        let error = #expect(throws: DefinitionsError.self) { try Self.definitions([sensor]).assetGraph }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("runs end only SUCCESS, FAILURE or CANCELED"))
        #expect(text.contains("sensor 'odd' monitors job 'exprot', which is not defined"))
        #expect(text.contains("sensor 'odd' monitors asset rwa, which is not defined; did you mean 'raw'?"))
    }
}
