import Foundation
import Testing

@testable import Cairn

private struct Summary: Codable, Sendable, Equatable {
    var count: Int
    var total: Int
}

private struct Scale: Codable, Sendable {
    var factor = 1
}

@Suite struct JobTests {
    let storage = InMemoryStorage()
    let directory = TemporaryDirectory()

    @Test func aJobRunsItsOpsKeepingIntermediatesInMemory() async throws {
        defer { directory.remove() }
        let extract = Op("extract") { _ in [3, 4, 5] }
        let scale = Op("scale", from: extract, config: .defaults(Scale())) { context, values in
            let factor = try context.config(Scale.self).factor
            return values.map { $0 * factor }
        }
        let summarize = Op("summarize", from: scale, io: .json(directory: directory.path)) { _, values in
            Summary(count: values.count, total: values.reduce(0, +))
        }
        let definitions = Definitions(jobs: [Job("nightly", ops: [extract, scale, summarize])])
        let config = try RunConfig(
            .object(["ops": .object(["scale": .object(["config": .object(["factor": .number(10)])])])]))
        let result = try await operations(definitions, storage)
            .execute(.job("nightly"), runConfig: config)
        #expect(result.succeeded)
        #expect(result.steps.map(\.key) == ["extract", "scale", "summarize"])

        let events = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
        #expect(!events.contains { $0.type == .assetMaterialization })
        #expect(events.filter { $0.type == .handledOutput }.count == 3)
        let stored = try JSONDecoder().decode(
            Summary.self, from: Data(contentsOf: URL(fileURLWithPath: directory.path + "/summarize.json")))
        #expect(stored == Summary(count: 3, total: 120))
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/extract.json"))
        let run = try #require(try await storage.run(result.runID))
        #expect(run.jobName == "nightly")
        #expect(run.assetKeys.isEmpty)
    }

    @Test func aFailedJobIsReexecutedFromFailureWhenItsOutputsPersist() async throws {
        defer { directory.remove() }
        let counter = CallCounter()
        let broken = Flag(true)
        let extract = Op("extract") { _ in
            counter.record("extract")
            return [1, 2]
        }
        let load = Op("load", from: extract) { _, values in
            if broken.isSet { throw TestFailure(description: "warehouse down") }
            return values.count
        }
        let definitions = Definitions(
            jobs: [Job("load_job", ops: [extract, load], ioManager: JSONFileIOManager(directory: directory.path))])
        let first = try await operations(definitions, storage)
            .execute(.job("load_job"))
        #expect(first.failedSteps.map(\.key) == ["load"])
        broken.set(false)
        let second = try await operations(definitions, storage, io: MemoryIOManager()).reexecute(
            first.runID, fromFailure: true)
        #expect(second.succeeded)
        #expect(second.steps.map(\.key) == ["load"])
        #expect(counter.count("extract") == 1)
        #expect(try await storage.run(second.runID)?.jobName == "load_job")
    }

    @Test func unknownJobsAndBrokenJobGraphsAreClearErrors() async throws {
        let extract = Op("extract") { _ in 1 }
        let definitions = Definitions(jobs: [Job("nightly", ops: [extract])])
        await #expect(throws: JobError.unknownJob("nightley", known: ["nightly"])) {
            try await operations(definitions, storage).execute(
                .job("nightley"))
        }
        #expect(JobError.unknownJob("nightley", known: ["nightly"]).description.contains("did you mean 'nightly'?"))

        let orphan = Op("orphan", from: extract) { _, value in value }
        let error = #expect(throws: DefinitionsError.self) {
            try Definitions(jobs: [Job("broken", ops: [orphan])]).assetGraph
        }
        #expect(
            error?.problems.first?.message.hasPrefix(
                "job 'broken': op 'orphan' depends on 'extract', which is not defined")
                == true)
    }
}
