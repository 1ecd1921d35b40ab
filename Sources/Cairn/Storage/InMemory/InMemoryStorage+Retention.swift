import Foundation

extension InMemoryStorage {
    /// Up to `limit` ended runs the policy lets go, oldest first (see `RetentionStorage`).
    public func prunableRuns(_ policy: RetentionPolicy, now: Date, limit: Int) async throws -> [PrunableRun] {
        state.withLock { state in
            var kept = Set<RunID>()
            for record in state.latestMaterialization.values { kept.insert(record.event.runID) }
            for record in state.latestObservation.values { kept.insert(record.event.runID) }
            for partitions in state.latestPartitionMaterialization.values {
                for record in partitions.values { kept.insert(record.event.runID) }
            }
            for checks in state.latestCheckEvaluation.values {
                for record in checks.values { kept.insert(record.event.runID) }
            }
            let backfillsInProgress = Set(
                state.backfills.values.filter { !$0.status.isTerminal }.map(\.id.rawValue))
            let cutoff = policy.cutoff(now: now) ?? .distantFuture
            var newerOfJob: [String: Int] = [:]
            var prunable: [PrunableRun] = []
            for id in state.runOrder.reversed() {
                guard let run = state.runs[id] else { continue }
                let newer = newerOfJob[run.jobName, default: 0]
                newerOfJob[run.jobName] = newer + 1
                guard run.status.isTerminal, run.createdAt < cutoff, newer >= policy.keepRunsPerJob ?? 0,
                    !kept.contains(id), !backfillsInProgress.contains(run.tags[Backfill.tag] ?? "")
                else { continue }
                prunable.append(
                    PrunableRun(
                        id: id, jobName: run.jobName, createdAt: run.createdAt,
                        eventCount: state.events.lazy.filter { $0.event.runID == id }.count))
            }
            return Array(prunable.reversed().prefix(max(limit, 0)))
        }
    }

    /// Deletes at most `maxEvents` events of these runs, then the runs left without events.
    public func deleteRuns(_ ids: [RunID], maxEvents: Int) async throws -> (events: Int, runs: [RunID]) {
        state.withLock { state in
            let targets = Set(ids)
            var deleted = Set<Int64>()
            for record in state.events where targets.contains(record.event.runID) {
                guard deleted.count < maxEvents else { break }
                deleted.insert(record.id)
            }
            state.events.removeAll { deleted.contains($0.id) }
            for (key, eventIDs) in state.eventIDsByAsset where eventIDs.contains(where: deleted.contains) {
                state.eventIDsByAsset[key] = eventIDs.filter { !deleted.contains($0) }
            }
            let remaining = Set(state.events.lazy.map(\.event.runID).filter(targets.contains))
            let emptied = ids.filter { state.runs[$0] != nil && !remaining.contains($0) }
            for id in emptied {
                state.runs[id] = nil
                state.runHeartbeats[id] = nil
            }
            let emptiedSet = Set(emptied)
            state.runOrder.removeAll { emptiedSet.contains($0) }
            return (deleted.count, emptied)
        }
    }

    /// The ticks and automation evaluations before `cutoff`, each schedule's and asset's latest left out.
    public func countTicksAndEvaluations(before cutoff: Date) async throws -> Int {
        state.withLock { state in
            let ticks = state.scheduleTicks.values.reduce(0) { count, ticks in
                let latest = ticks.keys.max()
                return count + ticks.values.filter { $0.timestamp < cutoff && $0.scheduledTime != latest }.count
            }
            let evaluations = state.automationEvaluations.values.reduce(0) { count, evaluations in
                count + evaluations.dropLast().filter { $0.timestamp < cutoff }.count
            }
            return ticks + evaluations
        }
    }

    /// Deletes at most `limit` ticks and automation evaluations before `cutoff`.
    public func deleteTicksAndEvaluations(before cutoff: Date, limit: Int) async throws -> Int {
        state.withLock { state in
            var deleted = 0
            for (name, ticks) in state.scheduleTicks {
                let latest = ticks.keys.max()
                for (time, tick) in ticks where deleted < limit && tick.timestamp < cutoff && time != latest {
                    state.scheduleTicks[name]?[time] = nil
                    deleted += 1
                }
            }
            for (key, evaluations) in state.automationEvaluations {
                var kept = evaluations
                for evaluation in evaluations.dropLast() where deleted < limit && evaluation.timestamp < cutoff {
                    kept.removeAll { $0.evaluationID == evaluation.evaluationID }
                    deleted += 1
                }
                state.automationEvaluations[key] = kept
            }
            return deleted
        }
    }

    /// Memory is given back as it is freed: nothing to do.
    public func reclaimFreeSpace(maxPages: Int) async throws -> Int { 0 }
}
