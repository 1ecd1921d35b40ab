import CairnTesting
import Testing

@testable import Cairn

@Suite struct AssetCheckTests {
    let numbers = Asset("numbers") { _ in [3, 7, 150] }

    @Test func nonBlockingFailureIsRecordedAndTheRunGoesOn() async throws {
        let total = Asset("total", from: numbers) { _, values in values.reduce(0, +) }
        let small = AssetCheck("all_below_100", on: numbers, description: "Values stay below 100", severity: .warn) {
            _, values in
            CheckResult(passed: values.allSatisfy { $0 < 100 }, metadata: ["max": .int(values.max() ?? 0)])
        }
        let result = try await materialize([numbers, total], checks: [small])
        #expect(result.succeeded)
        #expect(result.run.steps.map(\.key) == ["numbers", "numbers:all_below_100", "total"])
        let evaluation = try #require(result.checkEvaluation("all_below_100", on: numbers))
        #expect(!evaluation.passed)
        #expect(evaluation.severity == .warn)
        #expect(!evaluation.blocking)
        let event = try #require(result.events(ofType: .assetCheckEvaluation).first)
        #expect(event.metadata["max"] == .int(150))
        #expect(event.level == .warning)
        #expect(event.message == "Check 'all_below_100' on 'numbers' failed (WARN)")
        let latest = try await result.storage.latestCheckEvaluations(of: ["numbers"])
        #expect(latest[CheckKey(assetKey: "numbers", name: "all_below_100")]?.event.checkEvaluation?.passed == false)
    }

    @Test func blockingFailureSkipsDownstreamAssets() async throws {
        let total = Asset("total", from: numbers) { _, values in values.reduce(0, +) }
        let report = Asset("report", deps: ["total"]) { _ in "done" }
        let unrelated = Asset("unrelated") { _ in 1 }
        let sane = AssetCheck("all_below_100", on: numbers, blocking: true) { _, values in
            CheckResult(passed: values.allSatisfy { $0 < 100 }, description: "150 is too large")
        }
        let result = try await materialize([numbers, total, report, unrelated], checks: [sane])
        #expect(!result.succeeded)
        #expect(result.run.failedSteps.map(\.key) == ["numbers:all_below_100"])
        #expect(result.run.skippedSteps.map(\.key) == ["total", "report"])
        #expect(result.run.succeededSteps.map(\.key).sorted() == ["numbers", "unrelated"])
        let failure = try #require(result.events(ofType: .stepFailure).first)
        #expect(failure.error?.message == "blocking check 'all_below_100' on 'numbers' failed: 150 is too large")
        #expect(result.metadata(of: numbers) != nil)
    }

    @Test func passingBlockingCheckLetsDownstreamRun() async throws {
        let total = Asset("total", from: numbers) { _, values in values.reduce(0, +) }
        let positive = AssetCheck("positive", on: numbers, blocking: true) { _, values in
            CheckResult(passed: values.allSatisfy { $0 > 0 })
        }
        let result = try await materialize([numbers, total], checks: [positive])
        #expect(result.succeeded)
        #expect(try await result.value(of: total) == 160)
        let plan = try ExecutionPlan(
            graph: try Definitions(assets: [numbers, total], checks: [positive]).assetGraph, selected: [0, 1])
        #expect(plan.steps.map(\.key) == ["numbers", "numbers:positive", "total"])
        #expect(plan.steps[2].upstream == [0, 1])
    }

    @Test func aCheckThatThrowsFailsItsStep() async throws {
        let broken = AssetCheck("broken", on: numbers) { _, _ -> CheckResult in
            throw TestFailure(description: "the reference table is unreachable")
        }
        let result = try await materialize([numbers], checks: [broken])
        #expect(!result.succeeded)
        #expect(result.events(ofType: .stepFailure).first?.error?.message == "the reference table is unreachable")
        #expect(result.events(ofType: .assetCheckEvaluation).isEmpty)
    }

    @Test func checksRunAloneOnStoredValues() async throws {
        let storage = InMemoryStorage()
        let memory = MemoryIOManager()
        let counter = CallCounter()
        let counted = Asset("counted") { _ in
            counter.record("counted")
            return [1, 2]
        }
        let nonEmpty = AssetCheck("non_empty", on: counted) { _, values in CheckResult(passed: !values.isEmpty) }
        let definitions = Definitions(assets: [counted], checks: [nonEmpty])
        _ = try await definitions.materialize("*", storage: storage, defaultIOManager: memory, scope: .assetsOnly)
        let checkRun = try await definitions.materialize(
            "*", storage: storage, defaultIOManager: memory, scope: .checksOnly)
        #expect(checkRun.succeeded)
        #expect(checkRun.steps.map(\.key) == ["counted:non_empty"])
        #expect(counter.count("counted") == 1)
        let history = try await storage.checkEvaluations(
            of: CheckKey(assetKey: "counted", name: "non_empty"), before: nil, limit: 10)
        #expect(history.count == 1)
    }

    @Test func checksReportedFromInsideTheComputeFunction() async throws {
        let ids = Asset(
            "ids",
            checks: [AssetCheckSpec("no_negative_ids", blocking: true), AssetCheckSpec("few_rows", severity: .warn)]
        ) { context in
            let rows = [1, -2, 3]
            context.report(CheckResult(passed: rows.allSatisfy { $0 >= 0 }), for: "no_negative_ids")
            context.report(CheckResult(passed: rows.count < 10), for: "few_rows")
            return rows
        }
        let after = Asset("after", from: ids) { _, rows in rows.count }
        let result = try await materialize([ids, after])
        #expect(result.run.failedSteps.map(\.key) == ["ids"])
        #expect(result.run.skippedSteps.map(\.key) == ["after"])
        #expect(result.metadata(of: ids) != nil)
        #expect(result.checkEvaluation("no_negative_ids", on: ids)?.passed == false)
        #expect(result.checkEvaluation("few_rows", on: ids)?.passed == true)
        #expect(
            result.events(ofType: .stepFailure).first?.error?.message
                == "blocking check 'no_negative_ids' on 'ids' failed")
    }

    @Test func undeclaredOrMissingReportsFailTheStep() async throws {
        let sloppy = Asset("sloppy", checks: [AssetCheckSpec("declared")]) { context in
            context.report(CheckResult(passed: true), for: "undeclared")
            return 1
        }
        let result = try await materialize([sloppy])
        let message = try #require(result.events(ofType: .stepFailure).first?.error?.message)
        #expect(message.contains("it reported check 'undeclared' on 'sloppy', which it does not declare"))
        #expect(message.contains("it declares check declared but did not report it"))
    }

    @Test func severityCanBeChosenPerResult() async throws {
        let graded = AssetCheck("graded", on: numbers, severity: .error) { _, values in
            CheckResult(passed: false, severity: values.count < 5 ? .warn : .error)
        }
        let result = try await materialize([numbers], checks: [graded])
        #expect(result.checkEvaluation("graded", on: numbers)?.severity == .warn)
    }

    @Test func invalidChecksAreDefinitionsErrors() {
        let onUnknown = AssetCheck("c", on: Asset("numbrs") { _ in [1] }) { _, _ in CheckResult(passed: true) }
        let first = AssetCheck("dup", on: numbers) { _, _ in CheckResult(passed: true) }
        let second = AssetCheck("dup", on: numbers) { _, _ in CheckResult(passed: true) }
        let error = #expect(throws: DefinitionsError.self) {
            try Definitions(assets: [numbers], checks: [onUnknown, first, second]).assetGraph
        }
        let messages = error?.problems.map(\.message) ?? []
        #expect(messages.contains("check 'c' is on 'numbrs', which is not defined; did you mean 'numbers'?"))
        #expect(messages.contains("asset 'numbers' has two checks named 'dup'; rename one of them"))
    }
}
