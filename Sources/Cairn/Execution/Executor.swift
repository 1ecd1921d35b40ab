import Foundation

/// Runs the steps of a plan: ready steps concurrently up to a limit, a failed step's
/// downstream steps skipped while independent branches finish, every event appended to storage.
///
/// Events are appended in one transaction per step boundary: when steps finish, everything they
/// produced (logs, outputs, materializations, success or failure) is appended together with the
/// STEP_SKIPPED events that follow from them and the STEP_START events of the steps launched next.
/// While steps run, what they produced so far is appended every 250 ms in one transaction, so
/// that a long step's logs and captured output show live. Steps never append events
/// themselves; the coordinator does, so the log's order is the order of what happened.
///
/// A step whose definition names a concurrency pool starts only once the coordinator claimed a
/// slot of the pool for it; until then it waits without counting against `maxConcurrency`,
/// claiming again every 100 ms on the executor's clock, and the coordinator releases the slot
/// when the step ends. A step waiting for a retry gives up its slot and claims one again itself.
public struct Executor: Sendable {
    /// The storage roles the executor uses: it appends events, reads the latest materializations
    /// (of partitions too) and observations, and claims pool slots.
    public typealias Storage = EventLogStorage & PartitionStatusStorage & ConcurrencyPoolStorage

    /// The validated graph the plan was made from.
    public let graph: AssetGraph
    /// Where events go.
    public let storage: any Storage
    /// The IO manager of assets whose definitions name none.
    public let defaultIOManager: any IOManager
    /// How many steps may run at once.
    public let maxConcurrency: Int
    /// Called with each event once it is stored, for progress output.
    public let observer: (@Sendable (EventRecord) -> Void)?
    /// The retry policy of computations whose definitions name none; `nil`: no retries.
    public let defaultRetryPolicy: RetryPolicy?
    /// The clock retries wait on; tests pass one that does not really sleep.
    public let clock: any Clock<Duration>
    /// Random numbers in `0..<1` for retry jitter.
    public let random: @Sendable () -> Double
    /// The resources the steps may use; those the plan needs are set up for the run.
    public let resources: ResourceSet
    /// The environment variables resources read.
    public let environment: [String: String]
    /// The validated run config of each step that takes config, by step key.
    public let stepConfigs: [String: any Sendable]
    /// The partitions the run materializes; `nil` when it touches no partitioned asset.
    let partitions: RunPartitions?
    /// The name of the run's job, which steps read as `context.jobName`.
    public var jobName: String?
    /// How often the events of steps still running are recorded, so that their logs and
    /// output show while they run.
    static let liveEventsInterval = Duration.milliseconds(250)

    /// Creates an executor.
    public init(
        graph: AssetGraph,
        storage: any Storage,
        defaultIOManager: any IOManager,
        maxConcurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
        defaultRetryPolicy: RetryPolicy? = nil,
        resources: ResourceSet = [],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        stepConfigs: [String: any Sendable] = [:],
        clock: any Clock<Duration> = ContinuousClock(),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observer: (@Sendable (EventRecord) -> Void)? = nil
    ) {
        self.init(
            graph: graph, storage: storage, defaultIOManager: defaultIOManager, maxConcurrency: maxConcurrency,
            defaultRetryPolicy: defaultRetryPolicy, resources: resources, environment: environment,
            stepConfigs: stepConfigs, partitions: nil, clock: clock, random: random, observer: observer)
    }

    /// Creates an executor for a run that materializes partitions.
    init(
        graph: AssetGraph, storage: any Storage, defaultIOManager: any IOManager, maxConcurrency: Int,
        defaultRetryPolicy: RetryPolicy?, resources: ResourceSet, environment: [String: String],
        stepConfigs: [String: any Sendable], partitions: RunPartitions?, clock: any Clock<Duration>,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        observer: (@Sendable (EventRecord) -> Void)?
    ) {
        self.partitions = partitions
        self.graph = graph
        self.storage = storage
        self.defaultIOManager = defaultIOManager
        self.maxConcurrency = max(1, maxConcurrency)
        self.defaultRetryPolicy = defaultRetryPolicy
        self.resources = resources
        self.environment = environment
        self.stepConfigs = stepConfigs
        self.clock = clock
        self.random = random
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
    /// When the task executing the plan is canceled (as `terminate` does through the run's
    /// heartbeat loop), no step starts anymore, the steps in flight are canceled, and the run ends
    /// `canceled`, its events recorded as usual.
    ///
    /// - Returns: how each step ended; a failed step makes the run `failure`, not an error.
    /// - Throws: only when events cannot be stored (a full disk, a lost database); the run is
    ///   then marked failed if storage still accepts that.
    public func execute(_ plan: ExecutionPlan, runID: RunID) async throws -> RunResult {
        let clock = ContinuousClock()
        let start = clock.now
        let stepList = plan.steps.map(\.key).joined(separator: ", ")
        let started = [
            Event(
                .runStart, runID: runID,
                message:
                    "Started execution of run: \(plan.steps.count) step\(plan.steps.count == 1 ? "" : "s") (\(stepList))"
            )
        ]
        let resourceKeys = plan.resourceKeys(in: graph)
        let scope: ResourceScope?
        do {
            scope =
                resourceKeys.isEmpty
                ? nil : try await ResourceScope.open(resources, keys: resourceKeys, environment: environment)
        } catch {
            try await record(
                started + plannedEvents(of: plan, runID: runID) + [
                    Event(
                        .runFailure, runID: runID, level: .error,
                        message: "Execution of run failed before any step: \(error)", error: ErrorInfo(error))
                ])
            let skipped = plan.steps.map {
                RunResult.StepResult(key: $0.key, assetKeys: $0.assetKeys, outcome: .skipped, duration: .zero)
            }
            return RunResult(runID: runID, status: .failure, steps: skipped, duration: clock.now - start)
        }
        let inputsOfStep = upstreamKeys(of: plan)
        let known: UpstreamState
        do {
            known = try await upstreamState(of: plan, inputsOfStep: inputsOfStep)
        } catch {
            await scope?.close()
            throw error
        }
        var tracker = StepTracker(plan: plan)
        do {
            try await runSteps(
                of: &tracker, runID: runID, scope: scope, inputsOfStep: inputsOfStep, known: known,
                pending: started + plannedEvents(of: plan, runID: runID))
        } catch {
            await scope?.close()
            try? await record([
                Event(
                    .runFailure, runID: runID, level: .error,
                    message: "Execution of run stopped: its events could not be stored: \(error)",
                    error: ErrorInfo(error))
            ])
            throw error
        }
        if let scope {
            let teardownErrors = await scope.close()
            try await record(
                teardownErrors.map {
                    Event(.engineEvent, runID: runID, level: .warning, message: "\($0)", error: ErrorInfo($0))
                })
        }
        return try await finishRun(runID, results: tracker.results, duration: clock.now - start)
    }

    /// Starts each step once it is ready, up to `maxConcurrency` at once and once it holds a slot
    /// of its pool, until every step has ended or was skipped, recording events at each step
    /// boundary. When the task is canceled no step starts anymore.
    ///
    /// - Parameters:
    ///   - inputsOfStep: the upstream asset keys of each step of the plan, by step index.
    ///   - known: the data versions and metadata of the upstream assets the run does not materialize.
    ///   - pending: events to record with the first steps' STEP_START events.
    private func runSteps(
        of tracker: inout StepTracker, runID: RunID, scope: ResourceScope?, inputsOfStep: [[AssetKey]],
        known: UpstreamState,
        pending: [Event]
    ) async throws {
        let plan = tracker.plan
        let clock = ContinuousClock()
        let resolver = IOManagerResolver(graph: graph, defaultManager: defaultIOManager)
        var known = known
        var pending = pending
        var slots = PoolSlots(runID: runID)
        // The events of running steps, recorded every `liveEventsInterval` while they run, and
        // the materializations and check evaluations among those already recorded.
        var live: [Int: EventCollector] = [:]
        var recordedOutcomes: [Int: [Event]] = [:]
        var liveTimerArmed = false
        do {
            try await withThrowingTaskGroup(of: StepProgress.self) { group in
                var running = 0
                defer { group.cancelAll() }
                while true {
                    while running < maxConcurrency, !Task.isCancelled, let index = tracker.nextReady() {
                        let step = plan.steps[index]
                        if let pool = pool(of: step),
                            try await !slots.claim(pool, for: step.key, at: index, in: storage, events: &pending)
                        {
                            continue
                        }
                        pending.append(
                            Event(
                                .stepStart, runID: runID, stepKey: step.key,
                                message: "Started execution of step \"\(step.key)\"."))
                        var upstream = UpstreamState()
                        for key in inputsOfStep[index] {
                            upstream.dataVersions[key.description] =
                                partitionVersion(of: key, for: step, in: known) ?? known.dataVersions[key.description]
                            upstream.metadata[key] = known.metadata[key]
                        }
                        let events = EventCollector()
                        live[index] = events
                        group.addTask {
                            .finished(
                                await self.runStep(
                                    step, index: index, runID: runID, resolver: resolver, scope: scope,
                                    upstream: upstream, events: events, clock: clock))
                        }
                        running += 1
                    }
                    try await record(pending)
                    pending = []
                    if running > 0, !liveTimerArmed, !Task.isCancelled {
                        liveTimerArmed = true
                        group.addTask {
                            try? await Task.sleep(for: Self.liveEventsInterval)
                            return .liveEventsDue
                        }
                    }
                    if slots.startsPolling() {
                        group.addTask {
                            try? await self.clock.sleep(for: Self.poolPollInterval)
                            return .poolPollDue
                        }
                    }
                    guard running > 0 || slots.isPolling, let progress = try await group.next() else { break }
                    if case .liveEventsDue = progress {
                        liveTimerArmed = false
                        for (index, events) in live.sorted(by: { $0.key < $1.key }) {
                            let produced = events.drain()
                            known.record(produced)
                            recordedOutcomes[index, default: []] += produced.filter {
                                $0.type == .assetMaterialization || $0.type == .assetCheckEvaluation
                            }
                            pending += produced
                        }
                        continue
                    }
                    guard case .finished(let finished) = progress else {
                        let waiting = slots.stopPolling()
                        guard Task.isCancelled else {
                            tracker.putBack(waiting)
                            continue
                        }
                        // Cancelled steps never get a slot: they fail as steps in flight do.
                        for index in waiting {
                            let canceled = canceledWhileWaiting(plan.steps[index], index: index, runID: runID)
                            group.addTask { .finished(canceled) }
                            running += 1
                        }
                        continue
                    }
                    running -= 1
                    live[finished.index] = nil
                    try await slots.release(stepAt: finished.index, key: plan.steps[finished.index].key, in: storage)
                    pending += finished.events
                    known.record(finished.events)
                    let outcomes = (recordedOutcomes.removeValue(forKey: finished.index) ?? []) + finished.events
                    pending += failedMaterializations(of: plan.steps[finished.index], in: outcomes, runID: runID)
                    // What a failed step still delivered; a step that succeeded delivered all.
                    let delivered =
                        finished.outcome == .success ? [] : delivered(by: outcomes, step: plan.steps[finished.index])
                    let skipped = tracker.finish(
                        finished.index, outcome: finished.outcome, duration: finished.duration, delivered: delivered)
                    for child in skipped {
                        pending.append(
                            skipEvent(for: plan.steps[child], plan: plan, outcomes: tracker.outcomes, runID: runID))
                        pending += failedMaterializations(of: plan.steps[child], in: [], runID: runID)
                    }
                }
            }
        } catch {
            await slots.releaseAll(plan: plan, in: storage)
            throw error
        }
    }

    /// What the run knows of the upstream assets it does not materialize before its first step:
    /// their latest data versions and metadata, and those of the partitions its steps load.
    private func upstreamState(of plan: ExecutionPlan, inputsOfStep: [[AssetKey]]) async throws -> UpstreamState {
        var known = try await latestUpstreamState(of: Set(inputsOfStep.joined()).subtracting(plan.assetKeys))
        try await loadPartitionVersions(of: plan, into: &known)
        return known
    }

    /// Records how the run ended, from how its steps ended: canceled when its task was, a success
    /// when every step succeeded, else a failure.
    private func finishRun(_ runID: RunID, results: [RunResult.StepResult], duration: Duration) async throws
        -> RunResult
    {
        if Task.isCancelled {
            let unfinished = results.filter { $0.outcome != .success }.map(\.key)
            try await record([
                Event(
                    .runCanceled, runID: runID, level: .warning,
                    message: "Execution of run was canceled after \(Self.format(duration)); steps that did not finish: "
                        + (unfinished.isEmpty ? "none" : unfinished.joined(separator: ", ")))
            ])
            return RunResult(runID: runID, status: .canceled, steps: results, duration: duration)
        }
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

    /// What a task of the run's task group reports.
    private enum StepProgress: Sendable {
        /// A step ended.
        case finished(FinishedStep)
        /// Steps wait for pool slots, and it is time to claim them again.
        case poolPollDue
        /// Steps are running, and it is time to record what they produced so far.
        case liveEventsDue
    }

    /// How a step that waited for a pool slot ends when the run is cancelled.
    private func canceledWhileWaiting(_ step: ExecutionPlan.Step, index: Int, runID: RunID) -> FinishedStep {
        let error = ErrorInfo(CancellationError())
        return FinishedStep(
            index: index, outcome: .failure(error), duration: .zero,
            events: [
                Event(
                    .stepFailure, runID: runID, stepKey: step.key, level: .error,
                    message: "Step \"\(step.key)\" was canceled while it waited for a slot in pool "
                        + (pool(of: step) ?? "-"),
                    error: error)
            ])
    }

    /// Runs one step; returns how it ended, how long it took and the events it produced.
    private func runStep(
        _ step: ExecutionPlan.Step, index: Int, runID: RunID, resolver: IOManagerResolver, scope: ResourceScope?,
        upstream: UpstreamState, events: EventCollector, clock: ContinuousClock
    ) async -> FinishedStep {
        let start = clock.now
        let outcome: RunResult.StepOutcome
        switch step.kind {
        case .assets(let definitionIndex):
            let definition = graph.definitions[definitionIndex]
            let resources = scope?.resources(for: "asset '\(step.assetKeys[0])'", declared: definition.resourceKeys)
            outcome = await runComputation(
                definition, step: step, runID: runID, resolver: resolver, resources: resources,
                upstream: upstream, events: events)
        case .observation(let definitionIndex):
            let definition = graph.definitions[definitionIndex]
            let resources = scope?.resources(for: "asset '\(step.assetKeys[0])'", declared: definition.resourceKeys)
            outcome = await runObservation(definition, step: step, runID: runID, resources: resources, events: events)
        case .check(let checkIndex):
            let check = graph.checks[checkIndex]
            let resources = scope?.resources(for: "check '\(check.key)'", declared: check.resourceKeys)
            outcome = await runCheck(
                check, step: step, runID: runID, resolver: resolver, resources: resources, events: events)
        }
        let duration = clock.now - start
        let timing: Metadata = ["duration_ms": .float(Self.milliseconds(duration))]
        switch outcome {
        case .failure(let error):
            events.add(
                Event(
                    .stepFailure, runID: runID, stepKey: step.key, level: .error,
                    message: "Execution of step \"\(step.key)\" failed: \(error.message)", metadata: timing,
                    error: error))
        default:
            events.add(
                Event(
                    .stepSuccess, runID: runID, stepKey: step.key,
                    message: "Finished execution of step \"\(step.key)\" in \(Self.format(duration)).", metadata: timing
                ))
        }
        return FinishedStep(index: index, outcome: outcome, duration: duration, events: events.drain())
    }

    /// Runs a computation, retrying it as its policy says, then validates its check reports.
    private func runComputation(
        _ definition: AssetsDefinition, step: ExecutionPlan.Step, runID: RunID, resolver: IOManagerResolver,
        resources: Resources?, upstream: UpstreamState, events: EventCollector
    ) async -> RunResult.StepOutcome {
        let policy = definition.retryPolicy ?? defaultRetryPolicy
        var retryNumber = 0
        while true {
            if retryNumber > 0 {
                events.add(
                    Event(
                        .stepRestarted, runID: runID, stepKey: step.key,
                        message: "Started re-execution (attempt # \(retryNumber + 1)) of step \"\(step.key)\"."))
            }
            let context = AssetContext(
                runID: runID, stepKey: step.key, assetKeys: step.assetKeys, retryNumber: retryNumber,
                jobName: jobName, graph: graph, eventLog: storage, resources: resources, config: stepConfigs[step.key],
                partitionTarget: partitions?.targets[step.assetKeys[0]],
                events: events)
            do {
                let runtime = StepRuntime(
                    context: context, events: events, ioManagers: resolver, upstream: upstream,
                    producesAssets: definition.producesAssets, partitions: partitions)
                try await StepTimeout.limit(step.key, to: definition.timeout) {
                    try await definition.body?(runtime)
                }
                return checkReports(of: context, against: definition, runID: runID, events: events)
            } catch {
                guard let policy, retryNumber < policy.maxRetries, !(error is CancellationError) else {
                    return .failure(ErrorInfo(error))
                }
                retryNumber += 1
                let delay = policy.delay(beforeRetry: retryNumber, random: random())
                events.add(
                    Event(
                        .stepUpForRetry, runID: runID, stepKey: step.key, level: .warning,
                        message:
                            "Execution of step \"\(step.key)\" failed and will be retried in \(Self.format(delay)) "
                            + "(retry \(retryNumber) of \(policy.maxRetries)): \(error)",
                        metadata: ["delay_ms": .float(Self.milliseconds(delay))], error: ErrorInfo(error)))
                do {
                    if let pool = definition.pool {
                        try await storage.releasePoolSlot(pool, runID: runID, stepKey: step.key)
                        try await clock.sleep(for: delay)
                        try await waitForSlot(of: pool, step: step.key, runID: runID, events: events)
                    } else {
                        try await clock.sleep(for: delay)
                    }
                } catch {
                    return .failure(ErrorInfo(error))
                }
            }
        }
    }

    /// Observes a source asset and records its data version.
    private func runObservation(
        _ definition: AssetsDefinition, step: ExecutionPlan.Step, runID: RunID, resources: Resources?,
        events: EventCollector
    ) async -> RunResult.StepOutcome {
        let context = AssetContext(
            runID: runID, stepKey: step.key, assetKeys: step.assetKeys, jobName: jobName, graph: graph,
            eventLog: storage, resources: resources, events: events)
        do {
            let result = try await definition.observe!(context)
            events.add(
                Event(
                    .assetObservation, runID: runID, stepKey: step.key, assetKey: step.assetKeys[0],
                    message: "Observed \(step.assetKeys[0]) at data version \(result.dataVersion)",
                    metadata: context.addedMetadata(for: step.assetKeys[0]).merging(result.metadata),
                    dataVersion: result.dataVersion))
            return .success
        } catch {
            return .failure(ErrorInfo(error))
        }
    }

    /// Checks the checks a computation reported itself (their evaluations were recorded as they
    /// were reported); a blocking failure, an undeclared check or a declared check left
    /// unreported fails the step.
    private func checkReports(
        of context: AssetContext, against definition: AssetsDefinition, runID: RunID, events: EventCollector
    ) -> RunResult.StepOutcome {
        var declared: [CheckKey: AssetCheckSpec] = [:]
        // A subsettable computation answers for the checks of the assets it was asked for.
        for spec in definition.specs where context.assetKeys.contains(spec.key) {
            for check in spec.checks { declared[CheckKey(assetKey: spec.key, name: check.name)] = check }
        }
        var problems: [String] = []
        var reported = Set<CheckKey>()
        for (key, result) in context.checkReports() {
            guard let spec = declared[key] else {
                problems.append(
                    "it reported check '\(key.name)' on '\(key.assetKey)', which it does not declare; "
                        + "add AssetCheckSpec(\"\(key.name)\") to its checks")
                continue
            }
            reported.insert(key)
            if !result.passed && spec.blocking && (result.severity ?? spec.severity) == .error {
                problems.append("blocking check '\(key.name)' on '\(key.assetKey)' failed")
            }
        }
        let unreported = declared.keys.filter { !reported.contains($0) }.map(\.name).sorted()
        if !unreported.isEmpty {
            problems.append(
                "it declares check\(unreported.count == 1 ? "" : "s") \(unreported.joined(separator: ", ")) "
                    + "but did not report \(unreported.count == 1 ? "it" : "them") with context.report(_:for:)")
        }
        guard problems.isEmpty else {
            return .failure(ErrorInfo(type: "Cairn.CheckFailure", message: problems.joined(separator: "; ")))
        }
        return .success
    }

    /// Runs an asset check on the stored value of its asset: once per partition the run
    /// materializes, when the asset is partitioned.
    private func runCheck(
        _ check: AssetCheck, step: ExecutionPlan.Step, runID: RunID, resolver: IOManagerResolver,
        resources: Resources?, events: EventCollector
    ) async -> RunResult.StepOutcome {
        let space = partitions?.spaces[check.assetKey]
        let target = partitions?.targets[check.assetKey]
        var failures: [String] = []
        for partition in target?.keys.map(Optional.some) ?? [nil] {
            var runPartitions = partitions
            var partitionTarget: PartitionTarget?
            if let partition, let space, let position = space.position(of: partition) {
                var single = PartitionSubset()
                single.insert(position)
                partitionTarget = PartitionTarget(single, in: space)
                runPartitions?.targets[check.assetKey] = partitionTarget
            }
            let context = AssetContext(
                runID: runID, stepKey: step.key, assetKeys: [check.assetKey], jobName: jobName, graph: graph,
                eventLog: storage, resources: resources, partitionTarget: partitionTarget, events: events)
            do {
                let result = try await check.body(
                    StepRuntime(context: context, events: events, ioManagers: resolver, partitions: runPartitions))
                events.add(
                    .checkEvaluation(
                        check.spec, key: check.key, result: result, runID: runID, stepKey: step.key,
                        partition: partition))
                if !result.passed && check.spec.blocking && (result.severity ?? check.spec.severity) == .error {
                    failures.append(
                        "blocking check '\(check.spec.name)' on '\(check.assetKey)'"
                            + (partition.map { " (partition \($0))" } ?? "") + " failed"
                            + (result.description.map { ": \($0)" } ?? ""))
                }
            } catch {
                return .failure(ErrorInfo(error))
            }
        }
        guard failures.isEmpty else {
            return .failure(ErrorInfo(type: "Cairn.CheckFailure", message: failures.joined(separator: "; ")))
        }
        return .success
    }

    /// For each step, the upstream assets whose data versions its materializations record.
    private func upstreamKeys(of plan: ExecutionPlan) -> [[AssetKey]] {
        plan.steps.map { step in
            guard case .assets(let definition) = step.kind else { return [] }
            return graph.definitions[definition].specs.flatMap(\.dependencyKeys)
        }
    }

    /// The newest data version of each asset (from its latest materialization or observation)
    /// and the metadata of its latest materialization.
    private func latestUpstreamState(of keys: Set<AssetKey>) async throws -> UpstreamState {
        guard !keys.isEmpty else { return UpstreamState() }
        let list = Array(keys)
        let materializations = try await storage.latestMaterializations(of: list)
        let observations = try await storage.latestObservations(of: list)
        var state = UpstreamState()
        for key in list {
            let newest = [materializations[key], observations[key]].compactMap { $0 }.max { $0.id < $1.id }
            state.dataVersions[key.description] = newest?.event.dataVersion
            state.metadata[key] = materializations[key]?.event.metadata
        }
        return state
    }

    /// An ASSET_MATERIALIZATION_PLANNED event for each partition each step will materialize.
    private func plannedEvents(of plan: ExecutionPlan, runID: RunID) -> [Event] {
        guard let partitions else { return [] }
        return plan.steps.flatMap { step -> [Event] in
            guard case .assets = step.kind else { return [] }
            return step.assetKeys.flatMap { key in
                (partitions.targets[key]?.keys ?? []).map { partition in
                    Event(
                        .assetMaterializationPlanned, runID: runID, stepKey: step.key, assetKey: key,
                        partition: partition, level: .debug,
                        message: "\(runID.short) intends to materialize partition '\(partition)' of \(key)")
                }
            }
        }
    }

    /// An ASSET_FAILED_TO_MATERIALIZE event for each partition a failed or skipped asset step
    /// planned but did not materialize.
    private func failedMaterializations(of step: ExecutionPlan.Step, in events: [Event], runID: RunID) -> [Event] {
        guard let partitions, case .assets = step.kind else { return [] }
        var done = Set<AssetKey>()
        var materialized = Set<PartitionKey>()
        for event in events where event.type == .assetMaterialization {
            if let partition = event.partition {
                materialized.insert(partition)
            } else if let key = event.assetKey {
                done.insert(key)
            }
        }
        return step.assetKeys.flatMap { key -> [Event] in
            guard !done.contains(key), let target = partitions.targets[key] else { return [] }
            return target.keys.filter { !materialized.contains($0) }.map { partition in
                Event(
                    .assetFailedToMaterialize, runID: runID, stepKey: step.key, assetKey: key, partition: partition,
                    level: .warning, message: "Partition '\(partition)' of \(key) was not materialized")
            }
        }
    }

    /// The latest data versions of the upstream partitions the steps of the plan read.
    private func loadPartitionVersions(of plan: ExecutionPlan, into known: inout UpstreamState) async throws {
        guard let partitions else { return }
        var wanted: [AssetKey: Set<PartitionKey>] = [:]
        for step in plan.steps {
            for (input, consumer) in partitionedInputs(of: step) {
                let keys = try partitions.upstreamKeys(
                    of: input.key, for: consumer, mapping: input.partitionMapping, ownAssets: step.assetKeys)
                wanted[input.key, default: []].formUnion(keys ?? [])
            }
        }
        for (key, partitionKeys) in wanted where !partitionKeys.isEmpty {
            let records = try await storage.latestMaterializations(of: key, partitions: Array(partitionKeys))
            known.partitionVersions[key] = records.compactMapValues(\.event.dataVersion)
        }
    }

    /// The data dependencies on partitioned assets of a step's assets, with the consuming asset.
    private func partitionedInputs(of step: ExecutionPlan.Step) -> [(AssetDependency, AssetKey)] {
        guard let partitions, case .assets(let definition) = step.kind else { return [] }
        return graph.definitions[definition].specs.flatMap { spec in
            spec.dependencies.filter { partitions.spaces[$0.key] != nil }.map { ($0, spec.key) }
        }
    }

    /// The data version of the upstream partitions a step reads of `key`: the version of the one
    /// partition, or a hash of all of them; `nil` when `key` is not partitioned.
    private func partitionVersion(of key: AssetKey, for step: ExecutionPlan.Step, in known: UpstreamState)
        -> String?
    {
        guard let partitions else { return nil }
        var versions: [PartitionKey: String?] = [:]
        for (input, consumer) in partitionedInputs(of: step) where input.key == key {
            let keys =
                (try? partitions.upstreamKeys(
                    of: key, for: consumer, mapping: input.partitionMapping, ownAssets: step.assetKeys)) ?? nil
            for partition in keys ?? [] {
                versions.updateValue(known.partitionVersions[key]?[partition], forKey: partition)
            }
        }
        return versions.isEmpty ? nil : DataVersion.combined(versions)
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

    /// The assets a step delivered: materialized (every partition the run targets), with every
    /// blocking check it evaluates reported and not failed at `error` severity. What its downstream
    /// steps may use even when the step failed.
    func delivered(by events: [Event], step: ExecutionPlan.Step) -> Set<AssetKey> {
        var partitionsDone: [AssetKey: Set<PartitionKey>] = [:]
        var passedChecks: Set<CheckKey> = []
        var failedBlocking: Set<AssetKey> = []
        for event in events {
            guard let key = event.assetKey else { continue }
            if event.type == .assetMaterialization {
                partitionsDone[key, default: []].formUnion(event.partition.map { [$0] } ?? [])
            } else if event.type == .assetCheckEvaluation, let evaluation = event.checkEvaluation {
                if evaluation.passed || evaluation.severity != .error {
                    passedChecks.insert(CheckKey(assetKey: key, name: evaluation.checkName))
                } else if evaluation.blocking {
                    failedBlocking.insert(key)
                }
            }
        }
        return Set(
            step.assetKeys.filter { key in
                guard let done = partitionsDone[key], !failedBlocking.contains(key) else { return false }
                if let targets = partitions?.targets[key]?.keys, !targets.allSatisfy(done.contains) { return false }
                let blocking = graph[key]?.spec.checks.filter(\.blocking) ?? []
                return blocking.allSatisfy { passedChecks.contains(CheckKey(assetKey: key, name: $0.name)) }
            })
    }

    /// Appends events in a task of their own, which the cancellation of the run's task does not
    /// reach, so that a canceled run still records how its steps and itself ended.
    private func record(_ events: [Event]) async throws {
        guard !events.isEmpty else { return }
        let storage = storage
        let records = try await Task { try await storage.append(events) }.value
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
