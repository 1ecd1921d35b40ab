/// When the automation daemon requests an asset (or a partition of it), as Dagster's
/// `AutomationCondition`: a tree of building blocks combined with `&&`, `||` and `!`.
///
/// The composites cover most needs:
///
/// ```swift
/// let report = Asset("report", automationCondition: .eager(), from: dailyHighs) { ... }
/// let digest = Asset("digest", automationCondition: .onCron("0 7 * * *", timeZone: "Europe/Vienna"), from: report) { ... }
/// ```
///
/// and the building blocks compose into others:
///
/// ```swift
/// let condition: AutomationCondition = .onMissing() || (.anyDepsUpdated && !.anyDepsInProgress)
/// ```
///
/// Conditions are evaluated by `AutomationEvaluator` for one asset at a time, over its candidate
/// partitions (the latest time window of an asset partitioned by time, every key of others).
public indirect enum AutomationCondition: Hashable, Sendable {
    /// The asset (partition) was never materialized.
    case missing
    /// A run that plans to materialize the asset (partition) has not ended.
    case inProgress
    /// The asset (partition) was materialized, or a source asset observed with a new data version,
    /// since the previous evaluation.
    case newlyUpdated
    /// The previous evaluation requested the asset (partition).
    case newlyRequested
    /// This evaluation requests the asset (partition): true for dependencies evaluated earlier in
    /// the same tick.
    case willBeRequested
    /// The latest materialization of the asset was by a run that also targeted the asset whose
    /// condition is evaluated (the root).
    case executedWithRootTarget
    /// This is the first evaluation of the condition for the asset.
    case initialEvaluation
    /// The partition is the latest time window of the asset; always true otherwise.
    case inLatestTimeWindow
    /// A tick of the cron schedule passed since the previous evaluation.
    case cronTickPassed(cron: String, timeZone: String)
    /// The condition holds for at least one dependency (one of its partitions the asset depends on).
    case anyDepsMatch(AutomationCondition)
    /// The condition holds for every dependency (at least one partition of each).
    case allDepsMatch(AutomationCondition)
    /// Every condition holds.
    case and([AutomationCondition])
    /// At least one condition holds.
    case or([AutomationCondition])
    /// The condition does not hold.
    case not(AutomationCondition)
    /// `trigger` became true at an evaluation after the last one at which `reset` was true.
    case since(trigger: AutomationCondition, reset: AutomationCondition)
    /// The condition is true now and was false at the previous evaluation.
    case newlyTrue(AutomationCondition)
    /// The condition, shown under `label` in explanations.
    case labeled(AutomationCondition, label: String)

    /// The condition, shown under `label` in explanations.
    public func withLabel(_ label: String) -> AutomationCondition { .labeled(self, label: label) }

    /// The condition is true from the evaluation at which it became true until the asset is
    /// requested or updated (or on the first evaluation).
    public var sinceLastHandled: AutomationCondition {
        .since(
            trigger: self,
            reset: (.newlyRequested || .newlyUpdated || .initialEvaluation).withLabel("handled"))
    }

    /// The asset became missing since the previous evaluation.
    public static var newlyMissing: AutomationCondition {
        AutomationCondition.missing.newlyTrue.withLabel("newly_missing")
    }

    /// The condition is true now and was false at the previous evaluation.
    public var newlyTrue: AutomationCondition { .newlyTrue(self) }

    /// A dependency was updated since the previous evaluation by a run that did not target this
    /// asset, or is requested in this evaluation.
    public static var anyDepsUpdated: AutomationCondition {
        .labeled(
            .anyDepsMatch(
                (AutomationCondition.newlyUpdated && !.executedWithRootTarget).withLabel("newly_updated_without_root")
                    || .willBeRequested),
            label: "any_deps_updated")
    }

    /// A dependency is missing and not requested in this evaluation.
    public static var anyDepsMissing: AutomationCondition {
        .labeled(.anyDepsMatch(.missing && !.willBeRequested), label: "any_deps_missing")
    }

    /// A dependency is being materialized.
    public static var anyDepsInProgress: AutomationCondition {
        .labeled(.anyDepsMatch(.inProgress), label: "any_deps_in_progress")
    }

    /// Every dependency was updated since the latest tick of the cron schedule, or is requested in
    /// this evaluation.
    public static func allDepsUpdatedSinceCron(_ cron: String, timeZone: String = "UTC") -> AutomationCondition {
        .labeled(
            .allDepsMatch(
                .since(trigger: .newlyUpdated, reset: .cronTickPassed(cron: cron, timeZone: timeZone))
                    || .willBeRequested),
            label: "all_deps_updated_since_cron(\(cron), \(timeZone))")
    }

    /// Requests the asset whenever a dependency is updated, and when it becomes missing; never while
    /// a dependency is missing or in progress, or the asset itself is in progress. Only the latest
    /// time window of an asset partitioned by time.
    public static func eager() -> AutomationCondition {
        (AutomationCondition.inLatestTimeWindow
            && (AutomationCondition.newlyMissing || .anyDepsUpdated).sinceLastHandled
            && !.anyDepsMissing
            && !.anyDepsInProgress
            && !.inProgress)
            .withLabel("eager")
    }

    /// Requests the asset once per tick of the cron schedule, after every dependency has been
    /// updated since that tick. Only the latest time window of an asset partitioned by time.
    public static func onCron(_ cron: String, timeZone: String = "UTC") -> AutomationCondition {
        (AutomationCondition.inLatestTimeWindow
            && AutomationCondition.cronTickPassed(cron: cron, timeZone: timeZone).sinceLastHandled
            && .allDepsUpdatedSinceCron(cron, timeZone: timeZone))
            .withLabel("on_cron(\(cron), \(timeZone))")
    }

    /// Requests the asset when it becomes missing after the condition was first evaluated, unless
    /// a dependency is missing. Only the latest time window of an asset partitioned by time.
    public static func onMissing() -> AutomationCondition {
        (AutomationCondition.inLatestTimeWindow
            && AutomationCondition.missing.newlyTrue.sinceLastHandled.withLabel("missing_since_last_handled")
            && !.anyDepsMissing)
            .withLabel("on_missing")
    }

    /// Both conditions hold.
    public static func && (lhs: AutomationCondition, rhs: AutomationCondition) -> AutomationCondition {
        if case .and(let conditions) = lhs { return .and(conditions + [rhs]) }
        return .and([lhs, rhs])
    }

    /// At least one of the conditions holds.
    public static func || (lhs: AutomationCondition, rhs: AutomationCondition) -> AutomationCondition {
        if case .or(let conditions) = lhs { return .or(conditions + [rhs]) }
        return .or([lhs, rhs])
    }

    /// The condition does not hold.
    public static prefix func ! (condition: AutomationCondition) -> AutomationCondition { .not(condition) }

    /// A short name of the node for explanations: its label, or its kind (`missing`,
    /// `cron_tick_passed(0 7 * * *, UTC)`, `AND`).
    public var label: String {
        switch self {
        case .missing: "missing"
        case .inProgress: "in_progress"
        case .newlyUpdated: "newly_updated"
        case .newlyRequested: "newly_requested"
        case .willBeRequested: "will_be_requested"
        case .executedWithRootTarget: "executed_with_root_target"
        case .initialEvaluation: "initial_evaluation"
        case .inLatestTimeWindow: "in_latest_time_window"
        case .cronTickPassed(let cron, let timeZone): "cron_tick_passed(\(cron), \(timeZone))"
        case .anyDepsMatch: "any_deps_match"
        case .allDepsMatch: "all_deps_match"
        case .and: "AND"
        case .or: "OR"
        case .not: "NOT"
        case .since: "SINCE"
        case .newlyTrue: "NEWLY_TRUE"
        case .labeled(_, let label): label
        }
    }

    /// The conditions this one combines, in order; a labeled condition's is the one it labels.
    public var children: [AutomationCondition] {
        switch self {
        case .anyDepsMatch(let child), .allDepsMatch(let child), .not(let child), .newlyTrue(let child):
            [child]
        case .and(let children), .or(let children): children
        case .since(let trigger, let reset): [trigger, reset]
        case .labeled(let child, _): [child]
        default: []
        }
    }

    /// Every cron schedule the condition uses, as `(cron, timeZone)`.
    public var cronSchedules: [(cron: String, timeZone: String)] {
        if case .cronTickPassed(let cron, let timeZone) = self { return [(cron, timeZone)] }
        return children.flatMap(\.cronSchedules)
    }
}
