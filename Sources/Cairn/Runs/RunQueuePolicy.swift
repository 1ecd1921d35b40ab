import Foundation

/// Chooses which queued runs start now: at most a number of runs in progress at once, at most a
/// number of runs with a tag value, and higher priorities first (the `dagster/priority` tag, an
/// integer, 0 when absent), runs of equal priority in the order they were created.
///
/// ```swift
/// let policy = RunQueuePolicy(
///     maxConcurrentRuns: 10, tagConcurrencyLimits: [TagConcurrencyLimit(key: "db", value: "warehouse", limit: 2)])
/// let toLaunch = policy.runsToLaunch(queued: queued, inProgress: inProgress)
/// ```
public struct RunQueuePolicy: Hashable, Sendable {
    /// The largest number of runs in progress (STARTING, STARTED or CANCELING) at once.
    public var maxConcurrentRuns: Int
    /// Limits on the number of runs in progress with a tag.
    public var tagConcurrencyLimits: [TagConcurrencyLimit]

    /// The tag whose integer value orders the queue, higher first, as in Dagster.
    public static let priorityTag = "dagster/priority"

    /// Creates a policy.
    public init(maxConcurrentRuns: Int = 10, tagConcurrencyLimits: [TagConcurrencyLimit] = []) {
        self.maxConcurrentRuns = maxConcurrentRuns
        self.tagConcurrencyLimits = tagConcurrencyLimits
    }

    /// The queued runs to launch now, in launch order: by priority, then creation time, skipping
    /// runs that a tag limit holds back while runs after them may still start.
    public func runsToLaunch(queued: [Run], inProgress: [Run]) -> [Run] {
        var free = maxConcurrentRuns - inProgress.count
        guard free > 0 else { return [] }
        var counts = [TagBucket: Int]()
        for run in inProgress {
            for bucket in buckets(of: run) { counts[bucket, default: 0] += 1 }
        }
        let ordered = queued.enumerated().sorted { lhs, rhs in
            let (left, right) = (Self.priority(of: lhs.element), Self.priority(of: rhs.element))
            if left != right { return left > right }
            if lhs.element.createdAt != rhs.element.createdAt { return lhs.element.createdAt < rhs.element.createdAt }
            return lhs.offset < rhs.offset
        }
        var chosen = [Run]()
        for (_, run) in ordered {
            let runBuckets = buckets(of: run)
            guard runBuckets.allSatisfy({ counts[$0, default: 0] < tagConcurrencyLimits[$0.limit].limit }) else {
                continue
            }
            for bucket in runBuckets { counts[bucket, default: 0] += 1 }
            chosen.append(run)
            free -= 1
            if free == 0 { break }
        }
        return chosen
    }

    /// A run's priority: its `dagster/priority` tag as an integer, else 0.
    public static func priority(of run: Run) -> Int {
        run.tags[priorityTag].flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } ?? 0
    }

    /// One counter of a limit: the limit, and the tag value it counts.
    private struct TagBucket: Hashable {
        let limit: Int
        let value: String
    }

    /// The counters a run counts in: one per limit that applies to its tags.
    private func buckets(of run: Run) -> [TagBucket] {
        tagConcurrencyLimits.indices.compactMap { index in
            let limit = tagConcurrencyLimits[index]
            guard let value = run.tags[limit.key], limit.value == nil || limit.value == value else { return nil }
            return TagBucket(limit: index, value: value)
        }
    }
}

/// At most `limit` runs in progress with the tag `key` set to `value`, or, when `value` is `nil`,
/// at most `limit` runs for each distinct value of the tag `key`.
public struct TagConcurrencyLimit: Hashable, Sendable, Codable {
    /// The tag key.
    public var key: String
    /// The tag value the limit applies to; `nil` for a limit per distinct value.
    public var value: String?
    /// The largest number of runs in progress.
    public var limit: Int

    /// Creates a limit.
    public init(key: String, value: String? = nil, limit: Int) {
        self.key = key
        self.value = value
        self.limit = limit
    }
}
