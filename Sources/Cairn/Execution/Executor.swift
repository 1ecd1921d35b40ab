import DequeModule
import Foundation

/// Runs the steps of a plan: ready steps concurrently up to a limit, a failed step's
/// downstream steps skipped while independent branches finish, every event appended to storage.
///
/// Events are appended in one transaction per step boundary: when steps finish, everything they
/// produced (logs, outputs, materializations, success or failure) is appended together with the
/// STEP_SKIPPED events that follow from them and the STEP_START events of the steps launched next.
/// Steps never write to storage themselves; the coordinator does, so the log's order is the
/// order of what happened.
public struct Executor: Sendable {
    /// The validated graph the plan was made from.
    public let graph: AssetGraph
    /// Where events go.
    public let storage: any EventLogStorage
    /// The IO manager of assets whose definitions name none.
    public let defaultIOManager: any IOManager
    /// How many steps may run at once.
    public let maxConcurrency: Int
    /// Called with each event once it is stored, for progress output.
    public let observer: (@Sendable (EventRecord) -> Void)?

    /// Creates an executor.
    public init(
        graph: AssetGraph,
        storage: any EventLogStorage,
        defaultIOManager: any IOManager,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) {
        self.graph = graph
        self.storage = storage
        self.defaultIOManager = defaultIOManager
        self.maxConcurrency = max(1, maxConcurrency)
        self.observer = observer
    }

    /// How one step ended, with the events it produced.
    private struct FinishedStep: Sendable {
        let index: Int
        let outcome: RunResult.StepOutcome
        let duration: Duration
        let events: [Event]
    }

    /// Executes the plan as the run `runID`, which must already be stored.
    ///
    /// - Returns: how each step ended; a failed step makes the run `failure`, not an error.
    /// - Throws: only when events cannot be stored (a full disk, a lost database); the run is
    ///   then marked failed if storage still accepts that.
    public func execute(_ plan: ExecutionPlan, runID: RunID) async throws -> RunResult {
        let clock = ContinuousClock()
        let start = clock.now
        let resolver = IOManagerResolver(graph: graph, defaultManager: defaultIOManager)
        let stepList = plan.steps.map(\.key).joined(separator: ", ")
        var pending = [
            Event(.runStart, runID: runID, message: "Started execution of run: \(plan.steps.count) steps (\(stepList))")
        ]
        var outcomes = [RunResult.StepOutcome?](repeating: nil, count: plan.steps.count)
        var durations = [Duration](repeating: .zero, count: plan.steps.count)
        do {
            try await withThrowingTaskGroup(of: FinishedStep.self) { group in
                var waitingOn = plan.steps.map(\.upstream.count)
                var blocked = [Bool](repeating: false, count: plan.steps.count)
                var ready = Deque(plan.steps.indices.filter { waitingOn[$0] == 0 })
                var running = 0
                while true {
                    while running < maxConcurrency, let index = ready.popFirst() {
                        let step = plan.steps[index]
                        pending.append(
                            Event(
                                .stepStart, runID: runID, stepKey: step.key,
                                message: "Started execution of step \"\(step.key)\"."))
                        group.addTask {
                            await self.runStep(step, index: index, runID: runID, resolver: resolver, clock: clock)
                        }
                        running += 1
                    }
                    try await record(pending)
                    pending = []
                    guard running > 0, let finished = try await group.next() else { break }
                    running -= 1
                    outcomes[finished.index] = finished.outcome
                    durations[finished.index] = finished.duration
                    pending = finished.events

                    var queue = [finished.index]
                    while let current = queue.popLast() {
                        let failed = outcomes[current] != .success
                        for child in plan.steps[current].downstream {
                            if failed { blocked[child] = true }
                            waitingOn[child] -= 1
                            guard waitingOn[child] == 0 else { continue }
                            if blocked[child] {
                                outcomes[child] = .skipped
                                pending.append(
                                    skipEvent(for: plan.steps[child], plan: plan, outcomes: outcomes, runID: runID))
                                queue.append(child)
                            } else {
                                ready.append(child)
                            }
                        }
                    }
                }
            }
        } catch {
            try? await record([
                Event(
                    .runFailure, runID: runID, level: .error,
                    message: "Execution of run stopped: its events could not be stored: \(error)",
                    error: ErrorInfo(error))
            ])
            throw error
        }

        let results = plan.steps.enumerated().map { index, step in
            RunResult.StepResult(
                key: step.key, assetKeys: step.assetKeys, outcome: outcomes[index] ?? .skipped,
                duration: durations[index])
        }
        let duration = clock.now - start
        if results.allSatisfy({ $0.outcome == .success }) {
            try await record([
                Event(.runSuccess, runID: runID, message: "Finished execution of run in \(Self.format(duration))")
            ])
            return RunResult(runID: runID, status: .success, steps: results, duration: duration)
        }
        let failed = results.filter { $0.outcome != .success && $0.outcome != .skipped }.map(\.key)
        try await record([
            Event(
                .runFailure, runID: runID, level: .error,
                message: "Execution of run failed: steps failed: \(failed.joined(separator: ", "))")
        ])
        return RunResult(runID: runID, status: .failure, steps: results, duration: duration)
    }

    /// Runs one step; returns how it ended, how long it took and the events it produced.
    private func runStep(
        _ step: ExecutionPlan.Step, index: Int, runID: RunID, resolver: IOManagerResolver, clock: ContinuousClock
    ) async -> FinishedStep {
        let definition = graph.definitions[step.definitionIndex]
        let events = EventCollector()
        let context = AssetContext(runID: runID, stepKey: step.key, assetKeys: step.assetKeys, events: events)
        let runtime = StepRuntime(context: context, events: events, ioManagers: resolver)
        let start = clock.now
        let outcome: RunResult.StepOutcome
        do {
            try await definition.body?(runtime)
            outcome = .success
        } catch {
            outcome = .failure(ErrorInfo(error))
        }
        let duration = clock.now - start
        var batch = events.drain()
        let timing: Metadata = ["duration_ms": .float(Self.milliseconds(duration))]
        switch outcome {
        case .failure(let error):
            batch.append(
                Event(
                    .stepFailure, runID: runID, stepKey: step.key, level: .error,
                    message: "Execution of step \"\(step.key)\" failed: \(error.message)", metadata: timing,
                    error: error))
        default:
            batch.append(
                Event(
                    .stepSuccess, runID: runID, stepKey: step.key,
                    message: "Finished execution of step \"\(step.key)\" in \(Self.format(duration)).", metadata: timing
                ))
        }
        return FinishedStep(index: index, outcome: outcome, duration: duration, events: batch)
    }

    private func skipEvent(
        for step: ExecutionPlan.Step, plan: ExecutionPlan, outcomes: [RunResult.StepOutcome?], runID: RunID
    ) -> Event {
        let culprits = step.upstream.filter { outcomes[$0] != .success }.map { plan.steps[$0].key }
        return Event(
            .stepSkipped, runID: runID, stepKey: step.key, level: .warning,
            message:
                "Skipped execution of step \"\(step.key)\": upstream step \(culprits.joined(separator: ", ")) did not succeed."
        )
    }

    private func record(_ events: [Event]) async throws {
        let records = try await storage.append(events)
        if let observer {
            for record in records { observer(record) }
        }
    }

    /// The duration in milliseconds, to the microsecond.
    static func milliseconds(_ duration: Duration) -> Double {
        let exact = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return (exact * 1000).rounded() / 1000
    }

    /// `12 ms`, `1.52 s`.
    static func format(_ duration: Duration) -> String {
        let ms = milliseconds(duration)
        return ms < 1000 ? String(format: "%.0f ms", ms) : String(format: "%.2f s", ms / 1000)
    }
}
