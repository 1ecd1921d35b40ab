import DequeModule

/// The bookkeeping of a run's steps: which are ready to start, which wait for upstream steps,
/// which are skipped because an upstream step did not succeed, and how each ended.
struct StepTracker {
    /// The steps and their dependencies.
    let plan: ExecutionPlan
    /// How many upstream steps of each step have not ended.
    private var waitingOn: [Int]
    /// Whether an upstream step of each step did not succeed.
    private var blocked: [Bool]
    /// The steps whose upstream steps all succeeded, in the order they became ready.
    private var ready: Deque<Int>
    /// How each step ended, `nil` while it has not.
    private(set) var outcomes: [RunResult.StepOutcome?]
    /// How long each step took.
    private var durations: [Duration]

    /// A schedule where the steps without upstream steps are ready.
    init(plan: ExecutionPlan) {
        self.plan = plan
        waitingOn = plan.steps.map(\.upstream.count)
        blocked = [Bool](repeating: false, count: plan.steps.count)
        ready = Deque(plan.steps.indices.filter { plan.steps[$0].upstream.isEmpty })
        outcomes = [RunResult.StepOutcome?](repeating: nil, count: plan.steps.count)
        durations = [Duration](repeating: .zero, count: plan.steps.count)
    }

    /// Takes the next step that is ready to start, if any.
    mutating func nextReady() -> Int? {
        ready.popFirst()
    }

    /// Puts back steps that were taken but could not start (they wait for a pool slot), to be
    /// taken first.
    mutating func putBack(_ steps: [Int]) {
        ready.insert(contentsOf: steps, at: 0)
    }

    /// Records how a step ended. A step downstream of it becomes ready once all of its upstream
    /// steps succeeded, or is skipped once they all ended and one did not succeed, and so on down.
    /// A failed step's `delivered` assets (materialized, their blocking checks passed) still let
    /// the downstream steps run that need nothing else from it.
    ///
    /// - Returns: the steps skipped as a result, in the order they were skipped.
    mutating func finish(
        _ step: Int, outcome: RunResult.StepOutcome, duration: Duration, delivered: Set<AssetKey> = []
    ) -> [Int] {
        outcomes[step] = outcome
        durations[step] = duration
        var skipped: [Int] = []
        var queue = [step]
        while let current = queue.popLast() {
            let failed = outcomes[current] != .success
            let missing = failed ? Set(plan.steps[current].assetKeys).subtracting(current == step ? delivered : []) : []
            for child in plan.steps[current].downstream {
                if failed, !plan.steps[child].inputKeys.isDisjoint(with: missing) { blocked[child] = true }
                waitingOn[child] -= 1
                guard waitingOn[child] == 0 else { continue }
                if blocked[child] {
                    outcomes[child] = .skipped
                    skipped.append(child)
                    queue.append(child)
                } else {
                    ready.append(child)
                }
            }
        }
        return skipped
    }

    /// How each step ended; a step that never ended counts as skipped.
    var results: [RunResult.StepResult] {
        plan.steps.enumerated().map { index, step in
            RunResult.StepResult(
                key: step.key, assetKeys: step.assetKeys, outcome: outcomes[index] ?? .skipped,
                duration: durations[index])
        }
    }
}
