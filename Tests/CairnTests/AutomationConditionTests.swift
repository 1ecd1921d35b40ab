import Foundation
import Testing

@testable import Cairn

/// Evaluates ticks of a code location's conditions on in-memory storage, at times the test gives.
private final class AutomationHarness {
    let storage = InMemoryStorage()
    let evaluator: AutomationEvaluator
    private var runCount = 0

    init(_ assets: [any AssetsDefinitionConvertible]) throws {
        evaluator = try AutomationEvaluator(definitions: Definitions(assets: assets))
    }

    /// Evaluates one tick at `now` and stores it.
    @discardableResult
    func tick(at now: Date) async throws -> AutomationResult {
        let result = try await evaluator.evaluate(
            cursor: try await storage.automationCursor(), storage: storage, now: now)
        #expect(try await storage.storeAutomationTick(result.tick))
        return result
    }

    /// Stores a run that materializes `key` (a partition of it) at `time`, as a run outside automation would.
    @discardableResult
    func materialize(_ key: AssetKey, partition: PartitionKey? = nil, at time: Date) async throws -> RunID {
        runCount += 1
        let run = Run(id: RunID("run-\(runCount)-\(key)"), assetKeys: [key], createdAt: time)
        try await storage.addRun(run)
        try await storage.append([
            Event(.runStart, runID: run.id, timestamp: time),
            Event(.assetMaterialization, runID: run.id, timestamp: time, assetKey: key, partition: partition),
            Event(.runSuccess, runID: run.id, timestamp: time),
        ])
        return run.id
    }

    /// Finishes a run automation queued: materializes its assets and ends it successfully.
    func complete(_ run: Run, at time: Date) async throws {
        var events = [Event(.runStart, runID: run.id, timestamp: time)]
        for key in run.assetKeys {
            events.append(
                Event(
                    .assetMaterialization, runID: run.id, timestamp: time, assetKey: key,
                    partition: run.partitionRange?.start))
        }
        events.append(Event(.runSuccess, runID: run.id, timestamp: time))
        try await storage.append(events)
    }

    /// The latest evaluation of `key`, as `automation explain` prints it: every label and reason.
    func explanation(of key: AssetKey) async throws -> String {
        let evaluation = try #require(try await storage.latestAutomationEvaluations(of: [key])[key])
        return Self.text(of: evaluation.condition)
    }

    private static func text(of node: AutomationEvaluationNode) -> String {
        ([(node.isTrue ? "✓ " : "✗ ") + node.label] + node.reasons + node.children.map(text)).joined(separator: "\n")
    }
}

/// 2026-11-22 plus `hours` (and `minutes`), UTC.
private func at(_ hours: Int, _ minutes: Int = 0) -> Date {
    Date(timeIntervalSince1970: 1_795_305_600 + Double(hours * 3600 + minutes * 60))
}

@Suite struct AutomationConditionTests {
    @Test func eagerRequestsOnceAfterAnUpstreamUpdateAndAgainAfterTheNext() async throws {
        let raw = Asset("raw") { _ in 1 }
        let report = Asset("report", automationCondition: .eager(), from: raw) { _, raw in raw + 1 }
        let harness = try AutomationHarness([raw, report])
        try await harness.materialize("raw", at: at(0))
        try await harness.materialize("report", at: at(0))
        #expect(try await harness.tick(at: at(1)).requests.isEmpty, "the first evaluation only starts the memory")

        try await harness.materialize("raw", at: at(2))
        let requested = try await harness.tick(at: at(2, 1))
        #expect(requested.requests == [AutomationRequest(assetKey: "report")])
        let run = try #require(requested.tick.runs.first)
        #expect(requested.tick.runs.count == 1)
        #expect(run.assetKeys == ["report"] && run.status == .queued)
        #expect(run.tags[AutomationEvaluator.runTag] == "true")
        #expect(try await harness.storage.run(run.id)?.status == .queued)
        #expect(
            try await harness.explanation(of: "report").contains(
                "raw materialized in run run-3-ra at 2026-11-22T02:00:00Z"))

        #expect(try await harness.tick(at: at(2, 2)).requests.isEmpty, "not again while the run is queued")
        try await harness.complete(run, at: at(2, 3))
        #expect(try await harness.tick(at: at(2, 4)).requests.isEmpty, "not again after its own run")
        #expect(try await harness.tick(at: at(2, 5)).requests.isEmpty)

        try await harness.materialize("raw", at: at(3))
        #expect(try await harness.tick(at: at(3, 1)).requests == [AutomationRequest(assetKey: "report")])
    }

    @Test func eagerWaitsWhileADependencyIsMissingOrInProgress() async throws {
        let left = Asset("left") { _ in 1 }
        let right = Asset("right") { _ in 2 }
        let sum = Asset("sum", automationCondition: .eager(), from: left, right) { _, left, right in left + right }
        let harness = try AutomationHarness([left, right, sum])
        try await harness.tick(at: at(0))
        try await harness.materialize("left", at: at(1))
        #expect(try await harness.tick(at: at(1, 1)).requests.isEmpty)
        let explanation = try await harness.explanation(of: "sum")
        #expect(explanation.contains("✓ any_deps_missing"))
        #expect(explanation.contains("right was never materialized"))

        let rightRun = Run(id: "run-right", assetKeys: ["right"], createdAt: at(2))
        try await harness.storage.addRun(rightRun)
        try await harness.storage.append([Event(.runStart, runID: "run-right", timestamp: at(2))])
        #expect(try await harness.tick(at: at(2, 1)).requests.isEmpty)
        #expect(try await harness.explanation(of: "sum").contains("run run-righ materializing right is in progress"))

        try await harness.storage.append([
            Event(.assetMaterialization, runID: "run-right", timestamp: at(3), assetKey: "right"),
            Event(.runSuccess, runID: "run-right", timestamp: at(3)),
        ])
        #expect(try await harness.tick(at: at(3, 1)).requests == [AutomationRequest(assetKey: "sum")])
    }

    @Test func eagerRequestsADownstreamChainInOneRun() async throws {
        let raw = Asset("raw") { _ in 1 }
        let clean = Asset("clean", automationCondition: .eager(), from: raw) { _, raw in raw }
        let report = Asset("report", automationCondition: .eager(), from: clean) { _, clean in clean }
        let harness = try AutomationHarness([raw, clean, report])
        for key: AssetKey in ["raw", "clean", "report"] { try await harness.materialize(key, at: at(0)) }
        try await harness.tick(at: at(1))
        try await harness.materialize("raw", at: at(2))
        let result = try await harness.tick(at: at(2, 1))
        #expect(result.requests.map(\.assetKey) == ["clean", "report"])
        #expect(result.tick.runs.map(\.assetKeys) == [["clean", "report"]])
        #expect(try await harness.explanation(of: "report").contains("clean is requested in this evaluation"))
        try await harness.complete(result.tick.runs[0], at: at(2, 2))
        #expect(try await harness.tick(at: at(2, 3)).requests.isEmpty, "the run's own updates request nothing")
    }

    @Test func onCronRequestsOncePerTickAfterEveryDependencyUpdated() async throws {
        let raw = Asset("raw") { _ in 1 }
        let other = Asset("other") { _ in 1 }
        let digest = Asset("digest", automationCondition: .onCron("0 7 * * *"), from: raw, other) { _, _, _ in 0 }
        let harness = try AutomationHarness([raw, other, digest])
        try await harness.tick(at: at(6))
        try await harness.materialize("raw", at: at(6, 30))
        #expect(try await harness.tick(at: at(7, 1)).requests.isEmpty, "the tick passed, no dependency updated since")
        #expect(try await harness.explanation(of: "digest").contains("cron tick 2026-11-22T07:00:00Z passed"))
        try await harness.materialize("raw", at: at(7, 5))
        #expect(try await harness.tick(at: at(7, 6)).requests.isEmpty, "one dependency updated since the tick")
        try await harness.materialize("other", at: at(7, 10))
        let result = try await harness.tick(at: at(7, 11))
        #expect(result.requests == [AutomationRequest(assetKey: "digest")])
        try await harness.complete(result.tick.runs[0], at: at(7, 12))
        try await harness.materialize("raw", at: at(8))
        try await harness.materialize("other", at: at(8))
        #expect(try await harness.tick(at: at(8, 1)).requests.isEmpty, "once per tick")

        try await harness.materialize("raw", at: at(30, 50))
        try await harness.materialize("other", at: at(30, 55))
        #expect(try await harness.tick(at: at(30, 59)).requests.isEmpty, "before the next day's tick")
        #expect(try await harness.tick(at: at(31, 1)).requests.isEmpty, "updates before the tick do not count")
        try await harness.materialize("raw", at: at(31, 2))
        try await harness.materialize("other", at: at(31, 3))
        #expect(try await harness.tick(at: at(31, 4)).requests == [AutomationRequest(assetKey: "digest")])
    }

    @Test func onMissingRequestsPartitionsAddedAfterTheFirstEvaluation() async throws {
        let regions = PartitionsDefinition.dynamic("regions")
        let sales = Asset("sales", partitions: regions, automationCondition: .onMissing()) { _ in 1 }
        let harness = try AutomationHarness([sales])
        try await harness.storage.addDynamicPartitions(["eu"], to: "regions")
        #expect(try await harness.tick(at: at(0)).requests.isEmpty, "missing before the condition was applied")
        try await harness.storage.addDynamicPartitions(["us", "asia"], to: "regions")
        let result = try await harness.tick(at: at(1))
        #expect(Set(result.requests.map(\.partition)) == ["us", "asia"])
        #expect(result.tick.runs.count == 2, "one run per partition")
        #expect(Set(result.tick.runs.map { $0.tags[Run.partitionTag] }) == ["us", "asia"])
        #expect(try await harness.tick(at: at(2)).requests.isEmpty, "not twice")
    }

    @Test func conditionsComposeWithAndOrNot() async throws {
        let raw = Asset("raw") { _ in 1 }
        let whileMissing = Asset("while_missing", automationCondition: .missing && !.inProgress) { _ in 1 }
        let updatedOrMissing = Asset(
            "updated_or_missing", automationCondition: .missing || .anyDepsUpdated, from: raw
        ) { _, raw in raw }
        let present = Asset("present", automationCondition: !.missing, from: raw) { _, raw in raw }
        let harness = try AutomationHarness([raw, whileMissing, updatedOrMissing, present])
        try await harness.materialize("updated_or_missing", at: at(0))
        try await harness.materialize("present", at: at(0))
        let first = try await harness.tick(at: at(1))
        #expect(Set(first.requests.map(\.assetKey)) == ["while_missing", "present"])
        #expect(try await harness.tick(at: at(2)).requests.map(\.assetKey) == ["present"], "queued: in progress")
        try await harness.materialize("raw", at: at(3))
        let third = try await harness.tick(at: at(3, 1))
        #expect(Set(third.requests.map(\.assetKey)) == ["updated_or_missing", "present"])
        let explanation = try await harness.explanation(of: "while_missing")
        #expect(explanation.contains("✗ AND") && explanation.contains("✓ in_progress"))
    }

    @Test func timePartitionedAssetsAreEvaluatedForTheLatestWindowOnly() async throws {
        let daily = PartitionsDefinition.daily(start: "2026-11-01")
        let raw = Asset("raw", partitions: daily) { _ in 1 }
        let report = Asset("report", partitions: daily, automationCondition: .eager(), from: raw) { _, raw in raw }
        let harness = try AutomationHarness([raw, report])
        try await harness.materialize("report", partition: "2026-11-20", at: at(0))
        try await harness.materialize("report", partition: "2026-11-21", at: at(0))
        let first = try await harness.tick(at: at(10))
        #expect(first.requests.isEmpty)
        let evaluation = try #require(try await harness.storage.latestAutomationEvaluations(of: ["report"])["report"])
        #expect(evaluation.condition.candidateCount == 1, "only the latest window, 2026-11-21")

        try await harness.materialize("raw", partition: "2026-11-20", at: at(11))
        #expect(try await harness.tick(at: at(11, 1)).requests.isEmpty, "an older window is not requested")
        try await harness.materialize("raw", partition: "2026-11-21", at: at(12))
        let result = try await harness.tick(at: at(12, 1))
        #expect(result.requests == [AutomationRequest(assetKey: "report", partition: "2026-11-21")])
        #expect(result.tick.runs.first?.tags[Run.partitionTag] == "2026-11-21")
        let latest = try #require(try await harness.storage.latestAutomationEvaluations(of: ["report"])["report"])
        #expect(latest.requestedPartitions == ["2026-11-21"])
        #expect(latest.runIDs == result.tick.runs.map(\.id))
    }

    @Test func aTickEvaluatesOnlyTheAssetsWhoseResultCanHaveChanged() async throws {
        var assets: [any AssetsDefinitionConvertible] = []
        for chain in 0..<5 {
            let root = Asset(AssetKey("root_\(chain)")) { _ in 1 }
            let middle = Asset(AssetKey("middle_\(chain)"), automationCondition: .eager(), from: root) { _, v in v }
            let leaf = Asset(AssetKey("leaf_\(chain)"), automationCondition: .eager(), from: middle) { _, v in v }
            assets += [root, middle, leaf]
        }
        let harness = try AutomationHarness(assets)
        for key in harness.evaluator.graph.keys { try await harness.materialize(key, at: at(0)) }
        #expect(try await harness.tick(at: at(1)).evaluatedAssetCount == 10, "every asset once, at first")
        #expect(try await harness.tick(at: at(2)).evaluatedAssetCount == 0, "no event, nothing evaluated")
        try await harness.materialize("root_3", at: at(3))
        let result = try await harness.tick(at: at(3, 1))
        #expect(result.evaluatedAssetCount == 2, "middle_3, then leaf_3 downstream of a request")
        #expect(result.requests.map(\.assetKey) == ["middle_3", "leaf_3"])
        #expect(try await harness.tick(at: at(4)).evaluatedAssetCount == 2, "the requested ones, once more")
        #expect(try await harness.tick(at: at(5)).evaluatedAssetCount == 2, "while their run is queued")
        let unchanged = try await harness.tick(at: at(6))
        #expect(unchanged.evaluatedAssetCount == 2)
        #expect(unchanged.tick.evaluations.isEmpty, "an evaluation is stored only when its outcome changed")
        let history = try await harness.storage.automationEvaluations(of: "middle_3", before: nil, limit: 10)
        #expect(history.map(\.evaluationID) == [5, 4, 3, 1], "the first, the request, and two changes after it")
    }

    @Test func badCronsAndTimeZonesAreDefinitionErrorsAtTheAsset() throws {
        let raw = Asset("raw") { _ in 1 }
        let badCron = Asset("bad_cron", automationCondition: .onCron("0 25 * * *"), from: raw) { _, v in v }
        let badZone = Asset("bad_zone", automationCondition: .onCron("0 7 * * *", timeZone: "Mars/Base"), from: raw) {
            _, v in v
        }
        let error = #expect(throws: DefinitionsError.self) {
            _ = try Definitions(assets: [raw, badCron, badZone]).assetGraph
        }
        let problems = error?.problems.map(\.description) ?? []
        #expect(problems.count == 2)
        #expect(problems.contains { $0.contains("AutomationConditionTests.swift:") && $0.contains("'0 25 * * *'") })
        #expect(problems.contains { $0.contains("'Mars/Base' is unknown") })
    }

    @Test func aConditionOnASourceAssetIsADefinitionError() throws {
        let source = AssetsDefinition(
            name: "raw_files", specs: [AssetSpec("raw_files", automationCondition: .eager())], ioManager: nil,
            location: SourceLocation(file: "Pipelines/Sources.swift", line: 7), body: nil)
        let error = #expect(throws: DefinitionsError.self) { _ = try Definitions(assets: [source]).assetGraph }
        #expect(
            error?.problems.map(\.description) == [
                "Pipelines/Sources.swift:7: source asset 'raw_files' has an automation condition, but Cairn never "
                    + "materializes source assets; put the condition on the assets that depend on it"
            ])
    }

    @Test func compositesMirrorDagstersLabels() {
        #expect(AutomationCondition.eager().label == "eager")
        #expect(AutomationCondition.onCron("0 7 * * *").label == "on_cron(0 7 * * *, UTC)")
        #expect(AutomationCondition.onMissing().label == "on_missing")
        guard case .labeled(.and(let parts), _) = AutomationCondition.eager() else {
            Issue.record("eager is not a labeled AND")
            return
        }
        #expect(
            parts.map(\.label) == [
                "in_latest_time_window", "SINCE", "NOT", "NOT", "NOT",
            ])
        #expect(parts[2].children.first?.label == "any_deps_missing")
        #expect(AutomationCondition.onCron("0 7 * * *", timeZone: "Europe/Vienna").cronSchedules.count == 2)
    }
}
