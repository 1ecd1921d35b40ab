import Foundation

/// The evaluation of one asset's condition at one tick, over its candidate partitions (the
/// subjects), with the tick's view of every asset's state. It collects the new memory of the
/// condition's `since` and `newlyTrue` nodes as it goes.
struct ConditionEvaluation {
    /// One asset, or one partition of it, a node is evaluated for.
    struct Subject: Hashable {
        /// The asset's node index.
        let node: Int
        /// The partition; `nil` for an unpartitioned asset.
        let partition: PartitionKey?

        /// The partition as states key it: `""` for an unpartitioned asset.
        var id: String { partition?.rawValue ?? "" }
    }

    /// What a node evaluated to for each subject, with the time it became true when known.
    struct Outcome {
        /// Whether the node held, per subject (false for those not among the candidates).
        var values: [Bool]
        /// When it became true, per subject, for the nodes that know.
        var times: [Date?]
        /// The node as explanations show it.
        var node: AutomationEvaluationNode
    }

    let graph: AssetGraph
    /// The node index of the asset whose condition is evaluated.
    let root: Int
    /// The state of every asset, updated with this tick's events, and what the tick requested so far.
    let tick: AutomationTickState
    let spaces: AutomationPartitions
    let crons: [String: CronSchedule]
    /// The assets targeted by the runs of this tick's new materializations.
    let runTargets: [RunID: Set<AssetKey>]
    /// The id of the last event read by the previous tick; `nil` at the first tick.
    let previousEventID: Int64?
    /// Whether this is the first tick ever, when no update counts as new.
    let isInitialCursor: Bool
    /// Whether the condition is evaluated for the first time for this asset.
    let isInitialEvaluation: Bool
    let now: Date
    /// The memory of `since` and `newlyTrue` nodes after this evaluation, by node path.
    private(set) var memory: [String: Set<String>] = [:]

    /// The most reasons a node keeps.
    static let reasonLimit = 5

    init(
        graph: AssetGraph, root: Int, tick: AutomationTickState, spaces: AutomationPartitions,
        crons: [String: CronSchedule], runTargets: [RunID: Set<AssetKey>],
        previousEventID: Int64?, isInitialCursor: Bool, isInitialEvaluation: Bool, now: Date
    ) {
        self.graph = graph
        self.root = root
        self.tick = tick
        self.spaces = spaces
        self.crons = crons
        self.runTargets = runTargets
        self.previousEventID = previousEventID
        self.isInitialCursor = isInitialCursor
        self.isInitialEvaluation = isInitialEvaluation
        self.now = now
    }

    /// Evaluates `condition` at `path` (child indices from the root, `0.1.0`) for the subjects
    /// where `mask` is true; the others are false.
    mutating func evaluate(
        _ condition: AutomationCondition, path: String, subjects: [Subject], mask: [Bool]
    ) -> Outcome {
        switch condition {
        case .labeled(let child, let label):
            var outcome = evaluate(child, path: path, subjects: subjects, mask: mask)
            outcome.node.label = label
            return outcome
        case .and(let children):
            var values = mask
            var times = [Date?](repeating: nil, count: subjects.count)
            var nodes: [AutomationEvaluationNode] = []
            for (position, child) in children.enumerated() {
                let outcome = evaluate(child, path: "\(path).\(position)", subjects: subjects, mask: values)
                for index in values.indices {
                    values[index] = values[index] && outcome.values[index]
                    times[index] = Self.later(times[index], outcome.times[index])
                }
                nodes.append(outcome.node)
            }
            return combine(condition, subjects: subjects, mask: mask, values: values, times: times, children: nodes)
        case .or(let children):
            var values = [Bool](repeating: false, count: subjects.count)
            var times = [Date?](repeating: nil, count: subjects.count)
            var nodes: [AutomationEvaluationNode] = []
            for (position, child) in children.enumerated() {
                let remaining = zip(mask, values).map { $0 && !$1 }
                let outcome = evaluate(child, path: "\(path).\(position)", subjects: subjects, mask: remaining)
                for index in values.indices where outcome.values[index] {
                    values[index] = true
                    times[index] = Self.later(times[index], outcome.times[index])
                }
                nodes.append(outcome.node)
            }
            return combine(condition, subjects: subjects, mask: mask, values: values, times: times, children: nodes)
        case .not(let child):
            let outcome = evaluate(child, path: "\(path).0", subjects: subjects, mask: mask)
            let values = zip(mask, outcome.values).map { $0 && !$1 }
            return combine(condition, subjects: subjects, mask: mask, values: values, children: [outcome.node])
        case .since(let trigger, let reset):
            return since(condition, trigger: trigger, reset: reset, path: path, subjects: subjects, mask: mask)
        case .newlyTrue(let child):
            let everything = [Bool](repeating: true, count: subjects.count)
            let outcome = evaluate(child, path: "\(path).0", subjects: subjects, mask: everything)
            let previous = previousMemory(path)
            var values = mask
            var nowTrue = memory[path, default: []]
            for (index, subject) in subjects.enumerated() {
                let id = memoryID(subject)
                if outcome.values[index] { nowTrue.insert(id) }
                values[index] = mask[index] && outcome.values[index] && !previous.contains(id)
            }
            memory[path] = nowTrue
            return combine(condition, subjects: subjects, mask: mask, values: values, children: [outcome.node])
        case .anyDepsMatch(let child):
            return dependencies(condition, child: child, all: false, path: path, subjects: subjects, mask: mask)
        case .allDepsMatch(let child):
            return dependencies(condition, child: child, all: true, path: path, subjects: subjects, mask: mask)
        default:
            return leaf(condition, subjects: subjects, mask: mask)
        }
    }

    // MARK: - Operators

    /// The memory of the node at `path` from the previous evaluation of the root asset.
    private func previousMemory(_ path: String) -> Set<String> {
        isInitialEvaluation ? [] : tick.states[root].memory[path] ?? []
    }

    /// How a subject is named in memory: its asset and partition.
    private func memoryID(_ subject: Subject) -> String {
        "\(graph.nodes[subject.node].key)|\(subject.id)"
    }

    /// `trigger` became true after `reset` last did: true where it was true before or the trigger
    /// holds now, false where the reset holds now, unless the trigger's time is later.
    private mutating func since(
        _ condition: AutomationCondition, trigger: AutomationCondition, reset: AutomationCondition, path: String,
        subjects: [Subject], mask: [Bool]
    ) -> Outcome {
        let everything = [Bool](repeating: true, count: subjects.count)
        let triggered = evaluate(trigger, path: "\(path).0", subjects: subjects, mask: everything)
        let resetting = evaluate(reset, path: "\(path).1", subjects: subjects, mask: everything)
        let previous = previousMemory(path)
        var values = mask
        var nowTrue = memory[path, default: []]
        for (index, subject) in subjects.enumerated() {
            let id = memoryID(subject)
            var holds = previous.contains(id) || triggered.values[index]
            if resetting.values[index] {
                let triggerWins =
                    triggered.values[index]
                    && (triggered.times[index].flatMap { triggerTime in
                        resetting.times[index].map { triggerTime > $0 }
                    } ?? false)
                if !triggerWins { holds = false }
            }
            if holds { nowTrue.insert(id) }
            values[index] = mask[index] && holds
        }
        memory[path] = nowTrue
        return combine(
            condition, subjects: subjects, mask: mask, values: values, children: [triggered.node, resetting.node])
    }

    /// Any or all dependencies match: the child is evaluated for the partitions of each dependency
    /// that the subjects depend on; a subject matches a dependency when one of those does, and
    /// `all` holds for a dependency none of whose partitions the subject depends on.
    private mutating func dependencies(
        _ condition: AutomationCondition, child: AutomationCondition, all: Bool, path: String, subjects: [Subject],
        mask: [Bool]
    ) -> Outcome {
        var values = mask.map { $0 && all }
        var times = [Date?](repeating: nil, count: subjects.count)
        var nodes: [AutomationEvaluationNode] = []
        guard let node = subjects.first?.node else {
            return combine(condition, subjects: subjects, mask: mask, values: values, children: nodes)
        }
        for parent in graph.parents[node] {
            var dependencySubjects: [Subject] = []
            var positionOf: [Subject: Int] = [:]
            var mapped = [[Int]](repeating: [], count: subjects.count)
            // Every subject, not only the candidates: the memory of `since` and `newlyTrue` nodes
            // below must see every dependency partition at every evaluation.
            for (index, subject) in subjects.enumerated() {
                for partition in upstreamPartitions(of: subject, parent: parent) {
                    let dependency = Subject(node: parent, partition: partition)
                    if let position = positionOf[dependency] {
                        mapped[index].append(position)
                    } else {
                        positionOf[dependency] = dependencySubjects.count
                        mapped[index].append(dependencySubjects.count)
                        dependencySubjects.append(dependency)
                    }
                }
            }
            let outcome = evaluate(
                child, path: "\(path).0", subjects: dependencySubjects,
                mask: [Bool](repeating: true, count: dependencySubjects.count))
            var matched = [Bool](repeating: false, count: subjects.count)
            for index in subjects.indices where mask[index] {
                matched[index] = mapped[index].contains { outcome.values[$0] }
                for position in mapped[index] where outcome.values[position] {
                    times[index] = Self.later(times[index], outcome.times[position])
                }
                if all {
                    values[index] = values[index] && (mapped[index].isEmpty || matched[index])
                } else {
                    values[index] = values[index] || matched[index]
                }
            }
            var group = summary(
                label: graph.nodes[parent].key.description, subjects: subjects, mask: mask, values: matched,
                reasons: [])
            group.children = [outcome.node]
            nodes.append(group)
        }
        return combine(condition, subjects: subjects, mask: mask, values: values, times: times, children: nodes)
    }

    /// The partitions of `parent` that `subject` depends on: `[nil]` when the parent is not
    /// partitioned, through the dependency's partition mapping otherwise.
    private func upstreamPartitions(of subject: Subject, parent: Int) -> [PartitionKey?] {
        guard let parentSpace = spaces.space(of: graph.nodes[parent].spec.partitions) else { return [nil] }
        let childSpace = spaces.space(of: graph.nodes[subject.node].spec.partitions)
        var subset = PartitionSubset()
        if let childSpace, let partition = subject.partition, let position = childSpace.position(of: partition) {
            subset.insert(position)
        }
        guard
            let upstream = graph.upstreamPartitions(
                of: subset, child: subject.node, childSpace: childSpace, parent: parent, parentSpace: parentSpace)
        else { return [nil] }
        return parentSpace.keys(in: upstream)
    }

    /// An operator's node, with its children; `times` are those of its true children (the latest),
    /// none by default.
    private func combine(
        _ condition: AutomationCondition, subjects: [Subject], mask: [Bool], values: [Bool], times: [Date?]? = nil,
        children: [AutomationEvaluationNode]
    ) -> Outcome {
        var node = summary(label: condition.label, subjects: subjects, mask: mask, values: values, reasons: [])
        node.children = children
        let times = times.map { zip(values, $0).map { $0 ? $1 : nil } } ?? [Date?](repeating: nil, count: values.count)
        return Outcome(values: values, times: times, node: node)
    }

    /// The later of two times, when either is known.
    private static func later(_ first: Date?, _ second: Date?) -> Date? {
        guard let first else { return second }
        guard let second else { return first }
        return max(first, second)
    }

    /// A node's counts and true partitions.
    private func summary(
        label: String, subjects: [Subject], mask: [Bool], values: [Bool], reasons: [String]
    ) -> AutomationEvaluationNode {
        var trueCount = 0
        var truePartitions: [PartitionKey] = []
        for (index, subject) in subjects.enumerated() where values[index] {
            trueCount += 1
            if let partition = subject.partition, truePartitions.count < AutomationEvaluationNode.partitionLimit {
                truePartitions.append(partition)
            }
        }
        let node = subjects.first?.node
        return AutomationEvaluationNode(
            label: label, dependency: node == nil || node == root ? nil : graph.nodes[node!].key,
            candidateCount: mask.lazy.filter { $0 }.count, trueCount: trueCount, truePartitions: truePartitions,
            reasons: reasons)
    }

    // MARK: - Building blocks

    /// A building block's node: its value, time and reason for each candidate subject.
    private func leaf(_ condition: AutomationCondition, subjects: [Subject], mask: [Bool]) -> Outcome {
        var values = [Bool](repeating: false, count: subjects.count)
        var times = [Date?](repeating: nil, count: subjects.count)
        var trueReasons: [String] = []
        var falseReasons: [String] = []
        for (index, subject) in subjects.enumerated() where mask[index] {
            let (value, time, reason) = evaluateLeaf(condition, for: subject)
            values[index] = value
            times[index] = time
            guard let reason else { continue }
            if value {
                if trueReasons.count < Self.reasonLimit, !trueReasons.contains(reason) { trueReasons.append(reason) }
            } else if falseReasons.count < Self.reasonLimit, !falseReasons.contains(reason) {
                falseReasons.append(reason)
            }
        }
        let reasons = Array((trueReasons + falseReasons).prefix(Self.reasonLimit))
        let node = summary(label: condition.label, subjects: subjects, mask: mask, values: values, reasons: reasons)
        return Outcome(values: values, times: times, node: node)
    }

    /// One building block for one subject: whether it holds, since when, and why.
    private func evaluateLeaf(_ condition: AutomationCondition, for subject: Subject) -> (Bool, Date?, String?) {
        // Fields are read in place: copying an asset's node or state for every building block
        // would retain all of their contents each time.
        let key = graph.nodes[subject.node].key
        let isSource = graph.nodes[subject.node].isSource
        let name = subject.partition.map { "\(key)[\($0)]" } ?? key.description
        let update = tick.states[subject.node].updates[subject.id]
        switch condition {
        case .missing:
            if isSource { return (false, nil, "\(name) is a source asset, never missing") }
            guard let update else { return (true, nil, "\(name) was never materialized") }
            return (false, nil, "\(name) materialized in run \(update.runID.short) at \(Self.format(update.timestamp))")
        case .inProgress:
            guard let runID = tick.states[subject.node].inProgress[subject.id] else { return (false, nil, nil) }
            return (true, nil, "run \(runID.short) materializing \(name) is in progress")
        case .newlyUpdated:
            guard !isInitialCursor, let update, update.eventID > (previousEventID ?? 0) else {
                return (false, nil, nil)
            }
            let what =
                isSource
                ? "\(name) observed with data version \(update.dataVersion ?? "none") in run \(update.runID.short)"
                : "\(name) materialized in run \(update.runID.short)"
            return (true, update.timestamp, "\(what) at \(Self.format(update.timestamp))")
        case .newlyRequested:
            guard tick.states[subject.node].requested.contains(subject.id) else { return (false, nil, nil) }
            return (true, tick.states[subject.node].evaluatedAt, "\(name) was requested by the previous evaluation")
        case .willBeRequested:
            guard subject.node != root, tick.requestedNow[subject.node].contains(subject.id) else {
                return (false, nil, nil)
            }
            return (true, now, "\(name) is requested in this evaluation")
        case .executedWithRootTarget:
            guard let update, let targets = runTargets[update.runID] else { return (false, nil, nil) }
            let rootKey = graph.nodes[root].key
            guard targets.contains(rootKey) else {
                return (false, nil, "run \(update.runID.short) that updated \(name) did not target \(rootKey)")
            }
            return (true, nil, "run \(update.runID.short) that updated \(name) also targeted \(rootKey)")
        case .initialEvaluation:
            return isInitialEvaluation ? (true, nil, "first evaluation of this condition") : (false, nil, nil)
        case .inLatestTimeWindow:
            guard spaces.isInLatestWindow(subject.partition, of: graph.nodes[subject.node].spec.partitions) else {
                return (false, nil, "\(name) is not in the latest time window")
            }
            return (true, nil, nil)
        case .cronTickPassed(let cron, let timeZone):
            guard let schedule = crons[AutomationEvaluator.cronKey(cron, timeZone)] else { return (false, nil, nil) }
            let latest = AutomationEvaluator.latestTick(of: schedule, atOrBefore: now)
            guard let previous = tick.states[root].evaluatedAt, !isInitialEvaluation else {
                return (false, nil, "first evaluation: ticks are counted from now on")
            }
            guard latest > previous else {
                return (false, nil, "no tick of '\(cron)' since the previous evaluation at \(Self.format(previous))")
            }
            return (true, latest, "cron tick \(Self.format(latest)) passed")
        default:
            return (false, nil, nil)
        }
    }

    /// A time as reasons show it.
    private static func format(_ date: Date) -> String {
        ISO8601Timestamp.format(date)
    }
}
