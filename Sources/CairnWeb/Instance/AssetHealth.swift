import Cairn
import Foundation

/// What the catalog, the lineage graph and the overview show of each asset: its staleness, its
/// latest materialization, whether its latest attempt failed and whether a run of it is in
/// progress, read in a few batches however many assets there are.
struct AssetHealth: Sendable {
    /// How an asset is shown, the worst first.
    enum Display: String, Sendable, CaseIterable {
        case failed
        case inProgress = "in progress"
        case stale, missing, fresh, source
    }

    /// How far back failures are looked for: the latest events of the instance.
    static let failureWindow: Int64 = 50_000

    /// The staleness of each asset read.
    let statuses: [AssetKey: AssetStatus]
    /// The latest materialization of each asset read that has one.
    let materializations: [AssetKey: EventRecord]
    /// The assets whose latest attempt failed, with the failure.
    let failures: [AssetKey: EventRecord]
    /// The assets a queued or running run materializes.
    let inProgress: Set<AssetKey>

    /// Reads the health of the assets at `indices` of the site's graph (all when `nil`).
    static func load(_ indices: Set<Int>?, site: WebSite) async throws -> AssetHealth {
        let lastEventID = try await site.storage.lastEventID()
        if indices == nil, let cached = site.healthCache.health(at: lastEventID) { return cached }
        let health = try await read(indices, lastEventID: lastEventID, site: site)
        if indices == nil { site.healthCache.store(health, at: lastEventID) }
        return health
    }

    /// Reads the health of the assets at `indices` (all when `nil`) from storage.
    private static func read(_ indices: Set<Int>?, lastEventID: Int64?, site: WebSite) async throws -> AssetHealth {
        let graph = site.graph
        let keys = indices.map { $0.map { graph.nodes[$0].key } } ?? graph.nodes.map(\.key)
        // Staleness needs the latest records of everything upstream of the assets too.
        let read = indices.map { graph.upstream(of: $0).map { graph.nodes[$0].key } } ?? keys
        async let materializations = site.storage.latestMaterializations(of: read)
        async let observations = site.storage.latestObservations(of: read)
        async let active = site.storage.runs(
            matching: RunFilter(statuses: [.queued, .notStarted, .starting, .started, .canceling]), limit: 500,
            after: nil)
        let wanted = Set(keys)
        let latestMaterializations = try await materializations
        let latestObservations = try await observations
        let statuses =
            indices.map {
                graph.statuses(of: $0, materializations: latestMaterializations, observations: latestObservations)
            } ?? graph.statuses(materializations: latestMaterializations, observations: latestObservations)
        var failures: [AssetKey: EventRecord] = [:]
        let stepKeys = site.stepAssetKeys
        if let last = lastEventID {
            var cursor = max(0, last - failureWindow)
            while true {
                let page = try await site.storage.events(
                    after: cursor, types: [.assetFailedToMaterialize, .stepFailure], limit: 1000)
                for record in page {
                    let keys = record.event.assetKey.map { [$0] } ?? record.event.stepKey.flatMap { stepKeys[$0] } ?? []
                    for key in keys where wanted.contains(key) { failures[key] = record }
                }
                guard page.count == 1000, let next = page.last?.id else { break }
                cursor = next
            }
        }
        failures = failures.filter { key, failure in (latestMaterializations[key]?.id ?? 0) < failure.id }
        let inProgress = Set(try await active.flatMap(\.assetKeys)).intersection(wanted)
        return AssetHealth(
            statuses: statuses, materializations: latestMaterializations, failures: failures,
            inProgress: inProgress)
    }

    /// How `key` is shown.
    func display(_ key: AssetKey) -> Display {
        if failures[key] != nil { return .failed }
        if inProgress.contains(key) { return .inProgress }
        switch statuses[key] {
        case .stale: return .stale
        case .fresh: return .fresh
        case .source: return .source
        case .missing, nil: return .missing
        }
    }
}
