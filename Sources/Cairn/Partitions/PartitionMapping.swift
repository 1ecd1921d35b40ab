import Foundation

/// Which partitions of an upstream asset a partition of a downstream asset depends on.
///
/// When none is given, Cairn picks Dagster's default: identity between equal definitions, time
/// windows that overlap between time-windowed ones, the matching dimension between a
/// multi-partitioned asset and a single dimension, and all partitions for an unpartitioned
/// downstream asset.
public enum PartitionMapping: Hashable, Sendable {
    /// The upstream partition with the same key.
    case identity
    /// The upstream time windows that overlap the downstream window shifted by offsets, counted in
    /// upstream partitions: `.timeWindow(startOffset: -1, endOffset: -1)` is the partition before,
    /// "yesterday's"; `.timeWindow(startOffset: -6)` the last seven days.
    case timeWindow(startOffset: Int = 0, endOffset: Int = 0)
    /// Every upstream partition.
    case allPartitions
    /// The latest upstream partition.
    case lastPartition
    /// Upstream keys to the downstream keys that depend on each, as Dagster's `StaticPartitionMapping`.
    case staticKeys([PartitionKey: Set<PartitionKey>])
    /// Between a multi-partitioned asset and a single-dimension one: the named dimension of the
    /// multi-partitioned side matches the other side's key.
    case dimension(String)
}

/// A partition mapping checked against the two assets' partitions.
struct ResolvedPartitionMapping: Sendable {
    /// The mapping to apply.
    let mapping: PartitionMapping

    /// The mapping between an upstream and a downstream asset: the given one after checking that
    /// it fits their partitions, or the default one.
    ///
    /// - Returns: `nil` when the downstream asset is unpartitioned and the upstream asset is not:
    ///   every upstream partition then counts (the default), or when the upstream asset is unpartitioned.
    static func resolve(
        _ mapping: PartitionMapping?, upstream: PartitionsDefinition?, downstream: PartitionsDefinition?
    ) throws(PartitionMappingError) -> ResolvedPartitionMapping? {
        guard let upstream else {
            if mapping != nil { throw .upstreamUnpartitioned }
            return nil
        }
        guard let downstream else {
            switch mapping {
            case nil, .allPartitions: return ResolvedPartitionMapping(mapping: .allPartitions)
            case .lastPartition: return ResolvedPartitionMapping(mapping: .lastPartition)
            case .staticKeys, .identity, .timeWindow, .dimension: throw .downstreamUnpartitioned
            }
        }
        let chosen: PartitionMapping
        if let mapping {
            chosen = mapping
        } else {
            chosen = try defaultMapping(upstream: upstream, downstream: downstream)
        }
        try check(chosen, upstream: upstream, downstream: downstream)
        return ResolvedPartitionMapping(mapping: chosen)
    }

    private static func defaultMapping(
        upstream: PartitionsDefinition, downstream: PartitionsDefinition
    ) throws(PartitionMappingError) -> PartitionMapping {
        if upstream == downstream { return .identity }
        switch (upstream.kind, downstream.kind) {
        case (.timeWindow, .timeWindow): return .timeWindow()
        case (.multi(let multi), _):
            if let name = multi.dimensions.first(where: { $0.definition == downstream })?.name {
                return .dimension(name)
            }
        case (_, .multi(let multi)):
            if let name = multi.dimensions.first(where: { $0.definition == upstream })?.name { return .dimension(name) }
        default: break
        }
        throw .noDefault
    }

    private static func check(
        _ mapping: PartitionMapping, upstream: PartitionsDefinition, downstream: PartitionsDefinition
    ) throws(PartitionMappingError) {
        switch mapping {
        case .identity, .allPartitions:
            return
        case .timeWindow:
            guard let upstreamWindows = upstream.timeWindow, let downstreamWindows = downstream.timeWindow else {
                throw .timeWindowNeedsTime
            }
            // As Dagster: windows of different zones do not line up, so they are not mapped.
            guard upstreamWindows.timeZone.identifier == downstreamWindows.timeZone.identifier else {
                // Foundation names UTC `GMT`; users wrote `UTC`.
                func name(_ zone: TimeZone) -> String { zone.identifier == "GMT" ? "UTC" : zone.identifier }
                throw .timeZoneMismatch(
                    upstream: name(upstreamWindows.timeZone), downstream: name(downstreamWindows.timeZone))
            }
        case .lastPartition:
            if case .multi = upstream.kind { throw .lastPartitionOfMulti }
        case .staticKeys(let keys):
            if case .static(let partitions) = upstream.kind,
                let unknown = keys.keys.sorted().first(where: { partitions.positions[$0] == nil })
            {
                throw .unknownStaticKey(unknown, side: "upstream")
            }
            if case .static(let partitions) = downstream.kind,
                let unknown = keys.values.flatMap({ $0 }).sorted().first(where: { partitions.positions[$0] == nil })
            {
                throw .unknownStaticKey(unknown, side: "downstream")
            }
        case .dimension(let name):
            let multi: MultiPartitions
            let single: PartitionsDefinition
            switch (upstream.kind, downstream.kind) {
            case (.multi(let upstreamMulti), .multi): throw .dimensionNeedsOneMulti(upstreamMulti.dimensions.count)
            case (.multi(let upstreamMulti), _): (multi, single) = (upstreamMulti, downstream)
            case (_, .multi(let downstreamMulti)): (multi, single) = (downstreamMulti, upstream)
            default: throw .dimensionNeedsOneMulti(0)
            }
            guard let dimension = multi.dimensions.first(where: { $0.name == name }) else {
                throw .unknownDimension(name, known: multi.dimensions.map(\.name))
            }
            guard dimension.definition == single else { throw .dimensionMismatch(name) }
        }
    }

    /// The keys of the upstream partitions the downstream partitions `subset` depend on that do not
    /// exist (Dagster's required-but-nonexistent partitions): time windows before the upstream's
    /// first partition or after its last one at the time, at most `limit` of them, oldest first.
    /// As in Dagster, the downstream windows themselves must exist upstream, not the windows the
    /// mapping's offsets reach (a rolling window on the first partition requires nothing missing).
    /// Only time-window mappings have any; `upstream(of:downstream:upstream:)` leaves them out.
    func nonexistentUpstream(
        of subset: PartitionSubset, downstream: PartitionSpace?, upstream: PartitionSpace, limit: Int = 100
    ) -> (count: Int, keys: [PartitionKey]) {
        guard case .timeWindow = mapping, let downstream,
            let from = downstream.primary.timeWindow, let to = upstream.primary.timeWindow
        else { return (0, []) }
        let existing = upstream.primary.existing
        var missing = PartitionRanges()
        for range in subset.slices[""]?.ranges ?? [] {
            let required = from.requiredUpstreamIndices(of: range, in: to, startOffset: 0, endOffset: 0)
            guard !required.isEmpty else { continue }
            if required.lowerBound < 0 { missing.insert(required.lowerBound..<min(0, required.upperBound)) }
            let end = existing.ranges.last?.upperBound ?? 0
            if required.upperBound > end { missing.insert(max(end, required.lowerBound)..<required.upperBound) }
        }
        var keys: [PartitionKey] = []
        outer: for range in missing.ranges {
            for index in range {
                guard keys.count < limit else { break outer }
                keys.append(to.key(at: index))
            }
        }
        return (missing.count, keys)
    }

    /// The upstream partitions the downstream partitions `subset` depend on.
    func upstream(of subset: PartitionSubset, downstream: PartitionSpace?, upstream: PartitionSpace) -> PartitionSubset
    {
        guard !subset.isEmpty || downstream == nil else { return PartitionSubset() }
        switch mapping {
        case .allPartitions:
            return upstream.all
        case .lastPartition:
            guard let last = upstream.lastKey, let position = upstream.position(of: last) else {
                return PartitionSubset()
            }
            var result = PartitionSubset()
            result.insert(position)
            return result
        case .identity:
            guard let downstream else { return PartitionSubset() }
            if downstream.definition == upstream.definition { return subset.intersection(upstream.all) }
            return byKey(subset, downstream: downstream, upstream: upstream) { [$0] }
        case .timeWindow(let startOffset, let endOffset):
            guard let downstream, let from = downstream.primary.timeWindow, let to = upstream.primary.timeWindow
            else { return PartitionSubset() }
            var result = PartitionRanges()
            for range in subset.slices[""]?.ranges ?? [] {
                result.insert(
                    from.upstreamIndices(of: range, in: to, startOffset: startOffset, endOffset: endOffset))
            }
            return PartitionSubset(result.intersection(upstream.primary.existing))
        case .staticKeys(let keys):
            guard let downstream else { return PartitionSubset() }
            var upstreamKeys: [PartitionKey: [PartitionKey]] = [:]
            for (upstreamKey, downstreamKeys) in keys {
                for downstreamKey in downstreamKeys { upstreamKeys[downstreamKey, default: []].append(upstreamKey) }
            }
            return byKey(subset, downstream: downstream, upstream: upstream) { upstreamKeys[$0] ?? [] }
        case .dimension(let name):
            guard let downstream else { return PartitionSubset() }
            if case .multi = upstream.definition.kind {
                // A single key downstream depends on every upstream partition with that key in the dimension.
                if upstream.primary.name == name {
                    let ranges = subset.slices[""] ?? PartitionRanges()
                    return PartitionSubset(
                        slices: Dictionary(uniqueKeysWithValues: upstream.slices.map { ($0, ranges) }))
                }
                let wanted = Set(downstream.keys(in: subset))
                var result = PartitionSubset()
                for slice in upstream.slices {
                    for index in upstream.primary.existing {
                        let position = PartitionPosition(slice: slice, index: index)
                        if let key = upstream.dimensionKeys(of: upstream.key(at: position))[name], wanted.contains(key)
                        {
                            result.insert(position)
                        }
                    }
                }
                return result
            }
            if downstream.primary.name == name {
                return PartitionSubset(subset.slices.values.reduce(PartitionRanges()) { $0.union($1) })
            }
            return byKey(subset, downstream: downstream, upstream: upstream) {
                downstream.dimensionKeys(of: $0)[name].map { [$0] } ?? []
            }
        }
    }

    /// Maps key by key, for mappings without a faster form.
    private func byKey(
        _ subset: PartitionSubset, downstream: PartitionSpace, upstream: PartitionSpace,
        _ map: (PartitionKey) -> [PartitionKey]
    ) -> PartitionSubset {
        var result = PartitionSubset()
        for key in downstream.keys(in: subset) {
            for upstreamKey in map(key) {
                if let position = upstream.position(of: upstreamKey) { result.insert(position) }
            }
        }
        return result
    }
}

/// Why a partition mapping does not fit the assets it connects.
enum PartitionMappingError: Error, Sendable, Equatable {
    case upstreamUnpartitioned
    case downstreamUnpartitioned
    case noDefault
    case timeWindowNeedsTime
    case lastPartitionOfMulti
    case unknownStaticKey(PartitionKey, side: String)
    case dimensionNeedsOneMulti(Int)
    case unknownDimension(String, known: [String])
    case dimensionMismatch(String)
    case timeZoneMismatch(upstream: String, downstream: String)

    /// What is wrong, for a definitions error naming both assets.
    var reason: String {
        switch self {
        case .upstreamUnpartitioned: "a partition mapping is given but the upstream asset is not partitioned"
        case .downstreamUnpartitioned:
            "the downstream asset is not partitioned; only .allPartitions and .lastPartition map to it"
        case .noDefault:
            "their partitions differ and no default mapping relates them; pass one, e.g. "
                + "`from: upstream.partition(.lastPartition)` or `.partitions(.allPartitions)`"
        case .timeWindowNeedsTime: ".timeWindow mappings need time-window partitions on both assets"
        case .lastPartitionOfMulti: ".lastPartition cannot map to a multi-partitioned asset"
        case .unknownStaticKey(let key, let side): ".staticKeys names '\(key)', which is not a \(side) partition"
        case .dimensionNeedsOneMulti:
            ".dimension mappings connect a multi-partitioned asset with a single-dimension one"
        case .unknownDimension(let name, let known):
            "there is no dimension '\(name)'\(NearestName.hint(for: name, among: known)) (dimensions: "
                + known.joined(separator: ", ") + ")"
        case .dimensionMismatch(let name):
            "dimension '\(name)' has other partitions than the single-dimension asset"
        case .timeZoneMismatch(let upstream, let downstream):
            "their time windows are in different time zones (\(upstream) upstream, \(downstream) downstream), "
                + "which do not line up; give both the same timeZone, as Dagster requires"
        }
    }
}
