import Cairn
import CairnSQLite
import Foundation
import Synchronization

extension CairnBenchmarks {
    /// Pruning 1,000,000 events of old runs from SQLite while a run goes on appending events: the
    /// prune's time, and the longest any of the run's appends waited.
    static func retentionBenchmarks() async throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-bench-\(UUID())")
        defer { try? FileManager.default.removeItem(at: home) }
        let storage = try SQLiteStorage(path: home.appendingPathComponent("cairn.sqlite").path)
        let now = Date()
        let (runs, eventsPerRun) = (1_000, 1_000)
        let message = String(repeating: "m", count: 100)
        for index in 0..<runs {
            let id = RunID("old-\(index)")
            let created = now - 60 * 86_400
            try await storage.addRun(Run(id: id, assetKeys: [], createdAt: created))
            _ = try await storage.append(
                [Event(.runStart, runID: id, timestamp: created)]
                    + (0..<eventsPerRun - 2).map { _ in Event(.engineEvent, runID: id, message: message) }
                    + [Event(.runSuccess, runID: id, timestamp: created)])
        }
        let live = Run(id: "live", assetKeys: [], status: .started)
        try await storage.addRun(live)

        let waits = Mutex<[Double]>([])
        let appending = Task {
            while !Task.isCancelled {
                let started = DispatchTime.now().uptimeNanoseconds
                _ = try await storage.append([Event(.engineEvent, runID: "live", message: message)])
                let waited = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
                waits.withLock { $0.append(waited) }
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let pruner = HistoryPruner(storage: storage, policy: try RetentionPolicy(maxAgeDays: 30, keepRunsPerJob: nil))
        let started = DispatchTime.now().uptimeNanoseconds
        let pruned = try await pruner.prune(now: now)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e9
        appending.cancel()
        _ = await appending.result
        precondition(pruned.events == runs * eventsPerRun, "pruned \(pruned.events) events")
        report("prune \(pruned.events) events of \(pruned.runs) runs (SQLite, batches of 5,000)", seconds, target: 10)
        let sorted = waits.withLock { $0 }.sorted()
        report(
            "  the longest of \(sorted.count) appends of a run going on meanwhile", sorted.last ?? 0, target: 0.100)
        report("  their 99th percentile", sorted[min(sorted.count - 1, sorted.count * 99 / 100)], target: nil)
    }
}
