import Foundation

/// Which partitions of an asset are materialized, failed and in progress, in compact form, as
/// of one event: Cairn keeps it in storage and brings it up to date from the events after it
/// only, never by reading an asset's whole history again.
public struct AssetPartitionStatus: Sendable, Codable {
    /// Partitions that were ever materialized.
    public var materialized: PartitionSubset
    /// Partitions whose latest attempt failed.
    public var failed: PartitionSubset
    /// Partitions planned by runs that have not finished them, by run.
    public var inProgress: [RunID: PartitionSubset]
    /// The partitions definition the positions refer to (`PartitionsDefinition.fingerprint`).
    public var fingerprint: String

    /// An empty status for partitions with `fingerprint`.
    public init(fingerprint: String) {
        materialized = PartitionSubset()
        failed = PartitionSubset()
        inProgress = [:]
        self.fingerprint = fingerprint
    }

    /// The event types that change the status.
    public static let eventTypes: Set<EventType> = [
        .assetMaterializationPlanned, .assetMaterialization, .assetFailedToMaterialize,
    ]

    /// Applies events of the asset, in order; events of partitions `space` does not hold are ignored.
    public mutating func apply(_ events: some Sequence<Event>, in space: PartitionSpace) {
        // Materialized partitions only ever grow: they are merged at the end in one pass rather
        // than inserted one by one, which in random order would move the ranges every time.
        var newlyMaterialized: [String: [Int]] = [:]
        for event in events {
            guard let key = event.partition, let position = space.position(of: key) else { continue }
            switch event.type {
            case .assetMaterializationPlanned:
                inProgress[event.runID, default: PartitionSubset()].insert(position)
            case .assetMaterialization:
                newlyMaterialized[position.slice, default: []].append(position.index)
                failed.remove(position)
                finish(position, of: event.runID)
            case .assetFailedToMaterialize:
                failed.insert(position)
                finish(position, of: event.runID)
            default:
                break
            }
        }
        guard !newlyMaterialized.isEmpty else { return }
        materialized = materialized.union(
            PartitionSubset(slices: newlyMaterialized.mapValues { PartitionRanges(positions: $0) }))
    }

    /// Marks the partitions still in progress in an ended run as failed: its process died or it
    /// was canceled before it reached them.
    public mutating func endRun(_ runID: RunID) {
        guard let remaining = inProgress.removeValue(forKey: runID) else { return }
        failed = failed.union(remaining)
    }

    private mutating func finish(_ position: PartitionPosition, of runID: RunID) {
        guard var subset = inProgress[runID] else { return }
        subset.remove(position)
        inProgress[runID] = subset.isEmpty ? nil : subset
    }

    /// The counts and subsets of each state among the partitions that exist in `space`; a
    /// partition in progress counts only as such, a failed one only as failed.
    public func summary(in space: PartitionSpace) -> PartitionStatusSummary {
        let all = space.all
        let running = inProgress.values.reduce(PartitionSubset()) { $0.union($1) }.intersection(all)
        let failedNow = failed.intersection(all).subtracting(running)
        let materializedNow = materialized.intersection(all).subtracting(running).subtracting(failedNow)
        let missing = all.subtracting(running).subtracting(failedNow).subtracting(materializedNow)
        return PartitionStatusSummary(
            total: space.count, materialized: materializedNow, failed: failedNow, inProgress: running,
            missing: missing)
    }
}

/// The partitions of an asset by state, as the CLI and the UI show them.
public struct PartitionStatusSummary: Sendable {
    /// How many partitions exist.
    public let total: Int
    /// Materialized, with no later failure and not in progress.
    public let materialized: PartitionSubset
    /// Whose latest attempt failed, not in progress.
    public let failed: PartitionSubset
    /// Planned by runs that have not finished them.
    public let inProgress: PartitionSubset
    /// Never materialized, not failed and not in progress.
    public let missing: PartitionSubset

    /// The partitions of `subset` as key ranges, at most `limit` of them, in order.
    public func ranges(of subset: PartitionSubset, in space: PartitionSpace, limit: Int = .max) -> [PartitionKeyRange] {
        var result: [PartitionKeyRange] = []
        for slice in subset.slices.keys.sorted() {
            for range in subset.slices[slice]!.ranges {
                guard result.count < limit else { return result }
                result.append(
                    PartitionKeyRange(
                        space.key(at: PartitionPosition(slice: slice, index: range.lowerBound)),
                        space.key(at: PartitionPosition(slice: slice, index: range.upperBound - 1))))
            }
        }
        return result
    }
}

extension PartitionsDefinition {
    /// A text that changes whenever the positions of partitions would: the static keys and their
    /// order, the cron, time zone and start of time windows, a dynamic set's name, the dimensions.
    public var fingerprint: String {
        switch kind {
        case .static(let partitions):
            "static:" + DataVersion.hash(Data(partitions.keys.map(\.rawValue).joined(separator: "\n").utf8))
        case .timeWindow(let partitions):
            "time:\(partitions.schedule.expression)@\(partitions.timeZone.identifier)"
                + "+\(Int(partitions.start.timeIntervalSince1970)):\(partitions.format)"
        case .dynamic(let dynamic):
            "dynamic:\(dynamic.name)"
        case .multi(let multi):
            "multi(" + multi.dimensions.map { "\($0.name)=\($0.definition.fingerprint)" }.joined(separator: ";") + ")"
        case .invalid(let error):
            "invalid:\(error)"
        }
    }
}
