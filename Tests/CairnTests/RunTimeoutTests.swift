import Cairn
import Foundation
import Testing

@Suite struct RunTimeoutTests {
    @Test(arguments: [
        ("3600", Duration.seconds(3600)), ("0.25", .milliseconds(250)), ("90s", .seconds(90)), ("30m", .seconds(1800)),
        (" 2H ", .seconds(7200)), ("1d", .seconds(86400)),
    ])
    func maxRuntimeTagsNameDurations(value: String, expected: Duration) throws {
        #expect(try Run.maxRuntime(parsing: value) == expected)
    }

    @Test(arguments: ["", "0", "-5", "abc", "nan", "inf", "5 minutes", "1e9", "367d", "m"])
    func otherMaxRuntimeTagsAreRefusedWithWhatTheyTake(value: String) {
        #expect(throws: OperationError.invalidMaxRuntime(value)) { try Run.maxRuntime(parsing: value) }
        let message = OperationError.invalidMaxRuntime(value).description
        #expect(message.contains("cairn/max_runtime takes a number of seconds above 0"), "\(message)")
    }

    @Test func aRunWithABadMaxRuntimeTagIsNotQueued() async throws {
        let storage = InMemoryStorage()
        let definitions = Definitions(assets: [Asset("one") { _ in 1 }])
        await #expect(throws: OperationError.invalidMaxRuntime("soon")) {
            try await operations(definitions, storage).queueRun(.selection("*"), tags: [Run.maxRuntimeTag: "soon"])
        }
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
    }

    @Test func aRunPastItsMaxRuntimeIsOverstayedAndOnlyThen() {
        let started = Date(timeIntervalSince1970: 1_000_000)
        var run = Run(assetKeys: ["one"], tags: [Run.maxRuntimeTag: "90m"], status: .started, startedAt: started)
        #expect(run.overstayedRuntime(now: started + 5399) == nil)
        #expect(
            run.overstayedRuntime(now: started + 5401)
                == "The run exceeded its maximum runtime of 1 h 30 min (its tag cairn/max_runtime): it ran for "
                + "1 h 30 min; terminated.")
        // The tag wins over the daemon's default, which bounds the runs without one.
        #expect(run.overstayedRuntime(now: started + 5399, default: .seconds(10)) == nil)
        run.tags = [:]
        #expect(run.overstayedRuntime(now: started + 5401) == nil)
        #expect(
            run.overstayedRuntime(now: started + 12.5, default: .seconds(10))?.hasPrefix(
                "The run exceeded its maximum runtime of 10 s (the daemon's --max-runtime): it ran for 12.5 s") == true)
        run.status = .canceling
        #expect(run.overstayedRuntime(now: started + 100, default: .seconds(10)) == nil)
    }

    @Test func anInProcessRunPastItsMaxRuntimeIsTerminatedByItsOwnWorker() async throws {
        let storage = InMemoryStorage()
        let definitions = Definitions(assets: [
            Asset("slow") { _ in
                try await Task.sleep(for: .seconds(600))
                return 1
            }
        ])
        let launcher = InProcessRunLauncher(
            definitions: definitions, storage: storage, defaultIOManager: MemoryIOManager(),
            heartbeatInterval: .milliseconds(20))
        let run = Run(selection: "*", assetKeys: ["slow"], tags: [Run.maxRuntimeTag: "0.2"], status: .queued)
        try await storage.addRun(run)
        _ = try await storage.transition(Event(.runStarting, runID: run.id), from: [.queued])
        try await launcher.launch(run)
        await launcher.waitForRuns()

        #expect(try await storage.run(run.id)?.status == .canceled)
        let events = try await storage.events(ofRun: run.id, after: nil, limit: 100).map(\.event)
        let canceling = try #require(events.first { $0.type == .runCanceling })
        #expect(
            canceling.message.hasPrefix("The run exceeded its maximum runtime of 0.2 s (its tag cairn/max_runtime)"),
            "\(canceling.message)")
        #expect(canceling.message.hasSuffix("Termination requested by its worker."))
        #expect(!events.contains { $0.type == .runFailure })
    }
}
