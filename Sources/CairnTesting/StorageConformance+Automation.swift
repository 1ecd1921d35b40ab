import Cairn
import Foundation

// MARK: - Automation

extension StorageConformance {
    /// A state with one update and one run in progress, and memory, so every field round-trips.
    private static func automationState(_ eventID: Int64, requested: Set<String> = []) -> AutomationAssetState {
        AutomationAssetState(
            updates: ["": .init(eventID: eventID, runID: "run-update", timestamp: time(Double(eventID)))],
            inProgress: ["2026-01-01": "run-progress"], conditionDigest: "digest", evaluatedAt: time(5),
            requested: requested, candidates: "1:2026-01-01:2026-01-01",
            memory: ["0.1": ["a|", "b|2026-01-01"]])
    }

    private static func automationEvaluation(_ key: AssetKey, _ id: Int64, runIDs: [RunID] = []) -> AutomationEvaluation
    {
        AutomationEvaluation(
            assetKey: key, evaluationID: id, timestamp: time(Double(id)), requested: !runIDs.isEmpty,
            requestedPartitions: runIDs.isEmpty ? [] : ["2026-01-01"], runIDs: runIDs,
            condition: AutomationEvaluationNode(
                label: "eager", candidateCount: 1, trueCount: runIDs.isEmpty ? 0 : 1,
                truePartitions: runIDs.isEmpty ? [] : ["2026-01-01"],
                children: [
                    AutomationEvaluationNode(
                        label: "missing", dependency: "raw", candidateCount: 1, trueCount: 0,
                        reasons: [
                            "raw materialized in run 1a2b3c4d at 2026-01-01T00:00:00Z",
                            "a \"quoted\" back\\slash,\nnew line, tab\t, bell \u{7} and ✓ …",
                        ])
                ]))
    }

    static func automationTickStoredTogether(_ storage: any InstanceStorage) async throws {
        try expectEqual(try await storage.automationCursor(), AutomationCursor.initial, "cursor before any tick")
        let cursor = AutomationCursor(
            evaluationID: 1, lastEventID: 42, evaluatedAt: time(10),
            assets: ["a": automationState(3, requested: [""]), "warehouse/b": automationState(4)])
        let run = makeRun("run-automation", status: .queued, tags: [AutomationEvaluator.runTag: "true"])
        let stored = try await storage.storeAutomationTick(
            AutomationTick(
                previousEvaluationID: 0, cursor: cursor, changedAssets: ["a", "warehouse/b"],
                evaluations: [
                    automationEvaluation("a", 1, runIDs: ["run-automation"]), automationEvaluation("warehouse/b", 1),
                ],
                runs: [run]))
        try expect(stored, "a tick from the stored cursor is stored")
        try expectEqual(try await storage.automationCursor(), cursor, "cursor after the first tick")
        try expectEqual(try await storage.run("run-automation"), run, "the run created by the tick")
        let latest = try await storage.latestAutomationEvaluations(of: ["a", "warehouse/b", "c"])
        try expectEqual(latest["a"], automationEvaluation("a", 1, runIDs: ["run-automation"]), "latest evaluation of a")
        try expectEqual(latest.count, 2, "assets with a latest evaluation")

        var next = cursor
        next.evaluationID = 2
        next.lastEventID = 50
        next.evaluatedAt = time(20)
        next.assets["a"] = automationState(7)
        next.assets["warehouse/b"] = automationState(99)
        try expect(
            try await storage.storeAutomationTick(
                AutomationTick(
                    previousEvaluationID: 1, cursor: next, changedAssets: ["a"],
                    evaluations: [automationEvaluation("a", 2)], runs: [])),
            "the second tick is stored")
        var expected = next
        expected.assets["warehouse/b"] = automationState(4)
        try expectEqual(
            try await storage.automationCursor(), expected, "cursor after a tick that changed only one asset")
        try expectEqual(
            try await storage.automationEvaluations(of: "a", before: nil, limit: 10).map(\.evaluationID), [2, 1],
            "evaluations of a, newest first")
        try expectEqual(
            try await storage.automationEvaluations(of: "a", before: 2, limit: 10).map(\.evaluationID), [1],
            "evaluations of a before 2")
        try expectEqual(
            try await storage.automationEvaluations(of: "a", before: nil, limit: 1).map(\.evaluationID), [2],
            "evaluations of a, at most 1")
        try expectEqual(
            try await storage.latestAutomationEvaluations(of: ["a"])["a"]?.evaluationID, 2,
            "latest evaluation of a after the second tick")
    }

    static func automationTickFromStaleCursor(_ storage: any InstanceStorage) async throws {
        let first = AutomationCursor(
            evaluationID: 1, lastEventID: 1, evaluatedAt: time(1), assets: ["a": automationState(1)])
        let tick = AutomationTick(
            previousEvaluationID: 0, cursor: first, changedAssets: ["a"],
            evaluations: [automationEvaluation("a", 1, runIDs: ["run-first"])],
            runs: [makeRun("run-first", status: .queued)])
        try expect(try await storage.storeAutomationTick(tick), "the first tick from the initial cursor is stored")
        var second = tick
        second.cursor.lastEventID = 2
        second.evaluations = [automationEvaluation("a", 1, runIDs: ["run-second"])]
        second.runs = [makeRun("run-second", status: .queued)]
        try expect(!(try await storage.storeAutomationTick(second)), "a second tick from the same cursor is refused")
        try expectEqual(try await storage.run("run-second"), nil, "the run of the refused tick")
        try expectEqual(try await storage.automationCursor(), first, "cursor after the refused tick")
        try expectEqual(
            try await storage.automationEvaluations(of: "a", before: nil, limit: 10).count, 1,
            "evaluations after the refused tick")
        var duplicate = tick
        duplicate.previousEvaluationID = 1
        duplicate.cursor.evaluationID = 2
        duplicate.evaluations = [automationEvaluation("a", 2)]
        try await expectThrows(.duplicateRun("run-first"), "a tick with an existing run") {
            _ = try await storage.storeAutomationTick(duplicate)
        }
        try expectEqual(try await storage.automationCursor(), first, "cursor after a tick with an existing run")
        try expectEqual(
            try await storage.automationEvaluations(of: "a", before: nil, limit: 10).count, 1,
            "evaluations after a tick with an existing run")
    }
}
