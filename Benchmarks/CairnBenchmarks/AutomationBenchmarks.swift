import Cairn
import CairnSQLite
import Foundation

extension CairnBenchmarks {
    /// Declarative automation over 10,000 `.eager()` assets in 10 layers of 1,000, each depending
    /// on two assets of the layer above, on SQLite: one tick after one root asset is materialized.
    ///
    /// The tick starts from the cursor of the previous one, as the daemon keeps it; it reads the
    /// new events and evaluates the assets the update can affect: the root's downstream assets,
    /// which all end up requested in one run. Each round then completes that run and evaluates
    /// once more, untimed, so every round starts from the same state.
    static func automationBenchmarks() async throws {
        let layers = 10
        let width = 1_000
        var generator = SplitMix64(seed: 11)
        var assets: [Asset<Int>] = []
        for layer in 0..<layers {
            for index in 0..<width {
                let deps: [AssetKey] =
                    layer == 0
                    ? []
                    : Array(
                        Set((0..<2).map { _ in AssetKey("asset_\(layer - 1)_\(generator.next() % UInt64(width))") }))
                assets.append(
                    Asset<Int>(AssetKey("asset_\(layer)_\(index)"), automationCondition: .eager(), deps: deps) { _ in
                        index
                    })
            }
        }
        let definitions = Definitions(assets: [assets])
        let evaluator = try AutomationEvaluator(definitions: definitions)
        try await withTemporaryStorage { storage in
            let seed = Run(assetKeys: evaluator.graph.keys)
            try await storage.addRun(seed)
            try await storage.append(
                evaluator.graph.keys.map { Event(.assetMaterialization, runID: seed.id, assetKey: $0) }
                    + [Event(.runSuccess, runID: seed.id)])
            var now = Date()
            var cursor = try await storage.automationCursor()
            let first = try await evaluator.evaluate(cursor: cursor, storage: storage, now: now)
            let firstStored = try await storage.storeAutomationTick(first.tick)
            precondition(firstStored, "the first tick was not stored")
            cursor = first.tick.cursor

            var evaluateTimes: [Double] = []
            var evaluateCPUTimes: [Double] = []
            var storeTimes: [Double] = []
            var evaluated = 0
            var requested = 0
            for round in 0..<7 {
                let update = Run(assetKeys: ["asset_0_\(round)"])
                try await storage.addRun(update)
                try await storage.append([
                    Event(.assetMaterialization, runID: update.id, assetKey: "asset_0_\(round)"),
                    Event(.runSuccess, runID: update.id),
                ])
                now += 60
                var start = DispatchTime.now().uptimeNanoseconds
                let cpuStart = processCPUSeconds()
                let result = try await evaluator.evaluate(cursor: cursor, storage: storage, now: now)
                evaluateTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                evaluateCPUTimes.append(processCPUSeconds() - cpuStart)
                start = DispatchTime.now().uptimeNanoseconds
                let stored = try await storage.storeAutomationTick(result.tick)
                precondition(stored, "a tick was not stored")
                storeTimes.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                precondition(result.tick.runs.count == 1, "the update requested \(result.tick.runs.count) runs")
                evaluated = result.evaluatedAssetCount
                requested = result.requests.count
                cursor = result.tick.cursor

                let run = result.tick.runs[0]
                try await storage.append(
                    run.assetKeys.map { Event(.assetMaterialization, runID: run.id, assetKey: $0) }
                        + [Event(.runSuccess, runID: run.id)])
                now += 60
                let settle = try await evaluator.evaluate(cursor: cursor, storage: storage, now: now)
                precondition(settle.requests.isEmpty, "the completed run requested more")
                let settled = try await storage.storeAutomationTick(settle.tick)
                precondition(settled, "a tick was not stored")
                cursor = settle.tick.cursor
            }
            report(
                "automation tick over 10,000 eager assets after one root update (\(evaluated) evaluated, "
                    + "\(requested) requested)", median(evaluateTimes), target: 0.100)
            report(
                "  the same tick in CPU time of the process (steadier on a shared machine)", median(evaluateCPUTimes),
                target: nil)
            report("  storing that tick (cursor states, evaluations, run) in SQLite", median(storeTimes), target: nil)
        }
    }

    /// The CPU time the process has used, in seconds.
    static func processCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
