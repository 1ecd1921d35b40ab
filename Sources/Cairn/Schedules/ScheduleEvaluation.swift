import Foundation

/// The pure evaluation of schedules: which ticks are due, and what each requests. No loops, no
/// clocks: the daemon's `ScheduleService` passes the times in.
///
/// ```swift
/// let cron = try schedule.cronSchedule()
/// for tick in ScheduleEvaluation.ticks(of: cron, after: state.lastTick, now: now, policy: schedule.missedTicks) {
///     let result = try await ScheduleEvaluation.evaluate(schedule, tick: tick, graph: graph)
/// }
/// ```
public enum ScheduleEvaluation {
    /// How late a tick may be evaluated and still count as on time under `MissedTickPolicy.none`.
    public static let defaultGrace: TimeInterval = 60

    /// The ticks to run now, oldest first: the ticks after `lastTick` up to `now` (inclusive), as
    /// `policy` keeps them. A schedule never evaluated (`lastTick == nil`) has none due: its first
    /// tick is the first after it was started.
    ///
    /// - Parameters:
    ///   - grace: how long after its time a tick is on time rather than missed, for `.none`.
    ///   - limit: the most ticks returned for `.all`; the later ones are due on the next call.
    public static func ticks(
        of cron: CronSchedule, after lastTick: Date?, now: Date, policy: MissedTickPolicy,
        grace: TimeInterval = defaultGrace, limit: Int = 100
    ) -> [Date] {
        guard let lastTick, lastTick < now else { return [] }
        switch policy {
        case .all:
            var ticks: [Date] = []
            var tick = cron.nextTick(after: lastTick)
            while tick <= now && ticks.count < limit {
                ticks.append(tick)
                tick = cron.nextTick(after: tick)
            }
            return ticks
        case .latestOnly, .none:
            guard cron.nextTick(after: lastTick) <= now else { return [] }
            var latest = cron.previousTick(before: now)
            let next = cron.nextTick(after: latest)
            if next <= now { latest = next }
            if policy == .none && now.timeIntervalSince(latest) > grace { return [] }
            return [latest]
        }
    }

    /// What `schedule` requests at `tick`: its `evaluate` closure's result, or a run with its
    /// static config and tags, completed with the defaults: the run key `<name>:<tick>`, and for
    /// assets partitioned by time the last partition complete at the tick. Skips the tick when no
    /// partition is complete yet.
    ///
    /// - Throws: `SelectionError` when the selection does not resolve in `graph`,
    ///   `ScheduleError.partitionUnknown` when the assets are partitioned otherwise than by time and
    ///   no partition was named, and whatever `evaluate` throws.
    public static func evaluate(_ schedule: Schedule, tick: Date, graph: AssetGraph) async throws -> ScheduleResult {
        let partitions = try partitionsDefinition(of: schedule, in: graph)
        var defaultPartition: PartitionKey?
        if let timeWindow = partitions?.timeWindow {
            let count = timeWindow.count(at: tick)
            if count > 0 { defaultPartition = timeWindow.key(at: count - 1) }
        }
        let context = ScheduleContext(scheduleName: schedule.name, scheduledTime: tick, partitionKey: defaultPartition)
        let result = try await schedule.evaluate?(context) ?? .run(RunRequest())
        guard case .run(var request) = result else { return result }
        if request.runKey == nil { request.runKey = defaultRunKey(of: schedule, tick: tick) }
        if let partitions, request.partitionKey == nil {
            guard partitions.timeWindow != nil else {
                throw ScheduleError.partitionUnknown(
                    schedule: schedule.name,
                    reason: "its assets are partitioned, but not by time, so a tick has no partition of its own; "
                        + "give the schedule an `evaluate` closure whose RunRequest names the partitionKey")
            }
            guard let defaultPartition else {
                return .skip("no partition is complete at \(ISO8601Timestamp.format(tick)) yet")
            }
            request.partitionKey = defaultPartition
        }
        return .run(request)
    }

    /// The run `request` creates, queued, tagged with the schedule's name, its tags, the request's
    /// tags and its partition.
    ///
    /// - Throws: `SelectionError` when the selection does not resolve in `graph`.
    public static func run(
        for request: RunRequest, of schedule: Schedule, graph: AssetGraph, now: Date
    ) throws -> Run {
        try request.queuedRun(
            of: schedule.target, defaultTags: schedule.tags, fixedTags: [Schedule.tag: schedule.name],
            runConfig: request.runConfig ?? schedule.runConfig, graph: graph, now: now)
    }

    /// The run key of a tick when its request names none: the schedule's name and the tick's time.
    public static func defaultRunKey(of schedule: Schedule, tick: Date) -> String {
        "\(schedule.name):\(ISO8601Timestamp.format(tick))"
    }

    /// The one partitions definition of the schedule's partitioned assets, `nil` when none is partitioned.
    private static func partitionsDefinition(
        of schedule: Schedule, in graph: AssetGraph
    ) throws -> PartitionsDefinition? {
        guard case .selection(let text) = schedule.target else { return nil }
        let nodes = try AssetSelection.parse(text).resolve(in: graph).filter { !graph.nodes[$0].isSource }
        let definitions = Set(nodes.compactMap { graph.nodes[$0].spec.partitions })
        guard definitions.count <= 1 else {
            throw ScheduleError.partitionUnknown(
                schedule: schedule.name,
                reason: "its selection '\(text)' has assets with \(definitions.count) different partitions "
                    + "definitions; give each partitions definition a schedule of its own")
        }
        return definitions.first
    }
}
