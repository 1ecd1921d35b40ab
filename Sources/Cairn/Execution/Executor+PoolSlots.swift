import Foundation

extension Executor {
    /// How long a step waiting for a pool slot waits before claiming again.
    static let poolPollInterval = Duration.milliseconds(100)

    /// The concurrency pool a step takes a slot of, if any: only computations have pools.
    func pool(of step: ExecutionPlan.Step) -> String? {
        guard case .assets(let definition) = step.kind else { return nil }
        return graph.definitions[definition].pool
    }

    /// Waits until the step holds a slot of `pool`, claiming again every `poolPollInterval` on the
    /// executor's clock; appends one ENGINE_EVENT to `events` when it has to wait.
    ///
    /// - Throws: `CancellationError` when the step is cancelled while waiting, and storage errors.
    func waitForSlot(of pool: String, step: String, runID: RunID, events: EventCollector) async throws {
        var announced = false
        while true {
            let claim = try await storage.claimPoolSlot(pool, runID: runID, stepKey: step, at: Date())
            guard case .full(let limit, let inUse) = claim else { return }
            if !announced {
                announced = true
                events.add(Self.waitEvent(pool: pool, step: step, runID: runID, limit: limit, inUse: inUse))
            }
            try await clock.sleep(for: Self.poolPollInterval)
        }
    }

    /// The ENGINE_EVENT of a step that waits for a slot of a full pool.
    static func waitEvent(pool: String, step: String, runID: RunID, limit: Int, inUse: Int) -> Event {
        Event(
            .engineEvent, runID: runID, stepKey: step,
            message: "Step \"\(step)\" waiting for a slot in pool \(pool) (limit \(limit), in use \(inUse))",
            metadata: ["pool": .text(pool), "limit": .int(limit), "in_use": .int(inUse)])
    }

    /// The pool slots of one run's steps, as the coordinator claims and releases them: a step with
    /// a pool starts only once it holds a slot; until then it waits outside the steps that count
    /// against `maxConcurrency`, so the run's other steps go on.
    struct PoolSlots {
        /// The run whose steps claim.
        let runID: RunID
        /// The pool of each step that holds a slot, by index in the plan.
        private var held: [Int: String] = [:]
        /// The steps waiting for a slot, by index in the plan, in the order they became ready.
        private var waiting: [Int] = []
        /// The steps whose wait was announced with an ENGINE_EVENT.
        private var announced: Set<Int> = []
        /// Whether a task is sleeping until the waiting steps claim again.
        private(set) var isPolling = false

        /// Creates the slots of a run that holds none.
        init(runID: RunID) {
            self.runID = runID
        }

        /// Claims a slot of `pool` for the step at `index`; returns whether it got one. A step that
        /// did not waits for the next poll, its first wait announced in `events`.
        mutating func claim(
            _ pool: String, for step: String, at index: Int, in storage: any ConcurrencyPoolStorage,
            events: inout [Event]
        ) async throws -> Bool {
            switch try await storage.claimPoolSlot(pool, runID: runID, stepKey: step, at: Date()) {
            case .claimed:
                held[index] = pool
                return true
            case .full(let limit, let inUse):
                waiting.append(index)
                if announced.insert(index).inserted {
                    events.append(waitEvent(pool: pool, step: step, runID: runID, limit: limit, inUse: inUse))
                }
                return false
            }
        }

        /// Whether steps wait and no poll is under way; if so, one is from now on.
        mutating func startsPolling() -> Bool {
            guard !waiting.isEmpty, !isPolling else { return false }
            isPolling = true
            return true
        }

        /// Ends the poll and returns the waiting steps, which claim again.
        mutating func stopPolling() -> [Int] {
            isPolling = false
            defer { waiting = [] }
            return waiting
        }

        /// Releases the slot of the step at `index`, which has ended, if it holds one; a slot whose
        /// release fails stays held, for `releaseAll`.
        mutating func release(stepAt index: Int, key: String, in storage: any ConcurrencyPoolStorage) async throws {
            guard let pool = held[index] else { return }
            try await storage.releasePoolSlot(pool, runID: runID, stepKey: key)
            held[index] = nil
        }

        /// Releases every slot still held, when the run stops early, also when it stops because its
        /// task was cancelled (storage may refuse work in a cancelled task, so the releases run in a
        /// task of their own); a slot that cannot be released stops counting once the run ends.
        mutating func releaseAll(plan: ExecutionPlan, in storage: any ConcurrencyPoolStorage) async {
            let slots = held.map { (pool: $0.value, stepKey: plan.steps[$0.key].key) }
            let runID = runID
            held = [:]
            await Task {
                for slot in slots {
                    try? await storage.releasePoolSlot(slot.pool, runID: runID, stepKey: slot.stepKey)
                }
            }.value
        }
    }
}
