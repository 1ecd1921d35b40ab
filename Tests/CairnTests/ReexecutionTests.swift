import Foundation
import Synchronization
import Testing

@testable import Cairn

@Suite struct ReexecutionTests {
    let storage = InMemoryStorage()
    let directory = TemporaryDirectory()
    let counter = CallCounter()
    /// Whether `clean` fails; the test flips it to simulate a fix.
    let broken = Flag(true)

    var definitions: Definitions {
        let counter = counter
        let broken = broken
        let extract = Asset("extract") { _ in
            counter.record("extract")
            return [1, 2, 3]
        }
        let clean = Asset("clean", from: extract) { _, rows in
            counter.record("clean")
            if broken.isSet { throw TestFailure(description: "bad row") }
            return rows.filter { $0 > 1 }
        }
        let report = Asset("report", from: clean) { _, rows in
            counter.record("report")
            return rows.count
        }
        let side = Asset("side") { _ in
            counter.record("side")
            return 0
        }
        return Definitions(assets: [extract, clean, report, side])
    }

    var io: JSONFileIOManager { JSONFileIOManager(directory: directory.path) }

    @Test func fromFailureRunsOnlyWhatDidNotSucceed() async throws {
        defer { directory.remove() }
        let first = try await definitions.materialize(
            "*", storage: storage, defaultIOManager: io, tags: ["team": "data"])
        #expect(first.failedSteps.map(\.key) == ["clean"])
        broken.set(false)

        let second = try await operations(definitions, storage, io: io).reexecute(
            first.runID, fromFailure: true)
        #expect(second.succeeded)
        #expect(second.steps.map(\.key) == ["clean", "report"])
        #expect(counter.count("extract") == 1)
        #expect(counter.count("side") == 1)
        #expect(counter.count("report") == 1)
        let run = try #require(try await storage.run(second.runID))
        #expect(run.parentRunID == first.runID)
        #expect(run.rootRunID == first.runID)
        #expect(run.tags["team"] == "data")
        #expect(run.tags["cairn/parent_run_id"] == first.runID.rawValue)
        #expect(try await definitions.loadValue(of: Asset<Int>("report") { _ in 0 }, defaultIOManager: io) == 2)
    }

    @Test func aQueuedReexecutionFromFailureExecutesOnlyItsSelectedSteps() async throws {
        defer { directory.remove() }
        let first = try await definitions.materialize("*", storage: storage, defaultIOManager: io)
        #expect(first.failedSteps.map(\.key) == ["clean"])
        broken.set(false)

        let queued = try await operations(definitions, storage)
            .queueReexecution(
                of: first.runID, fromFailure: true, tags: ["attempt": "1"])
        #expect(queued.status == .queued)
        #expect(try await storage.run(queued.id)?.status == .queued)
        #expect(queued.parentRunID == first.runID)
        #expect(queued.tags["attempt"] == "1")
        #expect(queued.tags[RunWorker.pidKey] == nil)
        #expect(queued.tags[Run.stepSelectionTag] == #"["clean","report"]"#)

        _ = try await storage.transition(Event(.runStarting, runID: queued.id), from: [.queued])
        let result = try await RunExecution(definitions: definitions, storage: storage, defaultIOManager: io)
            .executeClaimed(queued)
        #expect(result.succeeded)
        #expect(result.steps.map(\.key) == ["clean", "report"])
        #expect(counter.count("extract") == 1)
        #expect(counter.count("side") == 1)
    }

    @Test func aClaimedRunWithABrokenStepSelectionFailsSayingWhy() async throws {
        let run = Run(
            selection: "*", assetKeys: ["extract"], tags: [Run.stepSelectionTag: "clean"], status: .queued)
        try await storage.addRun(run)
        let result = try await RunExecution(definitions: definitions, storage: storage, defaultIOManager: io)
            .executeClaimed(run)
        #expect(result.status == .failure)
        let last = try await storage.events(ofRun: run.id, after: nil, limit: 10).last?.event
        #expect(last?.message.contains("which is not a JSON array of step keys") == true)
        #expect(counter.count("extract") == 0)
    }

    @Test func theRootStaysTheFirstRunOfAChain() async throws {
        defer { directory.remove() }
        let first = try await definitions.materialize("*", storage: storage, defaultIOManager: io)
        let second = try await operations(definitions, storage, io: io).reexecute(
            first.runID, fromFailure: true)
        #expect(!second.succeeded)
        broken.set(false)
        let third = try await operations(definitions, storage, io: io).reexecute(
            second.runID, fromFailure: true)
        #expect(third.succeeded)
        let run = try #require(try await storage.run(third.runID))
        #expect(run.parentRunID == second.runID)
        #expect(run.rootRunID == first.runID)
    }

    @Test func reexecutingAllRunsEveryStepAndASelectionNarrowsIt() async throws {
        defer { directory.remove() }
        broken.set(false)
        let first = try await definitions.materialize("*", storage: storage, defaultIOManager: io)
        let all = try await operations(definitions, storage, io: io).reexecute(
            first.runID, fromFailure: false)
        #expect(all.steps.count == 4)
        let some = try await operations(definitions, storage, io: io).reexecute(
            first.runID, fromFailure: false, selection: "key:report")
        #expect(some.steps.map(\.key) == ["report"])
        #expect(counter.count("extract") == 2)
    }

    @Test func runsThatCannotBeReexecutedFromFailureSayWhy() async throws {
        defer { directory.remove() }
        broken.set(false)
        let succeeded = try await definitions.materialize("*", storage: storage, defaultIOManager: io)
        await #expect(throws: ReexecutionError.notFailed(succeeded.runID, .success)) {
            try await operations(definitions, storage, io: io).reexecute(succeeded.runID, fromFailure: true)
        }
        await #expect(throws: ReexecutionError.unknownRun("nope")) {
            try await operations(definitions, storage, io: io).reexecute("nope", fromFailure: true)
        }
    }

    @Test func aRunWhoseProcessDiedIsMarkedFailedAndResumed() async throws {
        defer { directory.remove() }
        broken.set(false)
        let finished = Process()
        finished.executableURL = URL(fileURLWithPath: "/bin/true")
        try finished.run()
        finished.waitUntilExit()
        let dead = RunWorker(pid: finished.processIdentifier, host: ProcessInfo.processInfo.hostName)

        // A run killed after `extract` succeeded: its events stop mid-way and it stays STARTED.
        let run = Run(assetKeys: ["extract", "clean", "report", "side"], tags: dead.tags)
        try await storage.addRun(run)
        _ = try await io.handleOutput(
            [1, 2, 3], context: OutputContext(assetKey: "extract", runID: run.id, stepKey: "extract"))
        try await storage.append([
            Event(.runStart, runID: run.id), Event(.stepStart, runID: run.id, stepKey: "extract"),
            Event(.assetMaterialization, runID: run.id, stepKey: "extract", assetKey: "extract"),
            Event(.stepSuccess, runID: run.id, stepKey: "extract"), Event(.stepStart, runID: run.id, stepKey: "clean"),
        ])

        let resumed = try await operations(definitions, storage, io: io).reexecute(run.id, fromFailure: true)
        #expect(resumed.succeeded)
        #expect(resumed.steps.map(\.key) == ["side", "clean", "report"])
        #expect(counter.count("extract") == 0)
        let parent = try #require(try await storage.run(run.id))
        #expect(parent.status == .failure)
        let last = try await storage.events(ofRun: run.id, after: nil, limit: 100).last?.event
        #expect(last?.message.contains("(pid \(dead.pid) on") == true)
    }
}
