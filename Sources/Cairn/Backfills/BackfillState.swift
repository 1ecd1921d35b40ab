import Foundation

/// What a backfill driver knows of a backfill's runs: their targets, their statuses, and which
/// partitions of each asset are still to be materialized by them.
struct BackfillState {
    /// How far a queued run is from being launched.
    enum Readiness {
        /// Every upstream partition it maps to is done.
        case ready
        /// Some upstream partitions are still to be materialized by other runs.
        case waiting
        /// Some upstream partitions failed; the run can never succeed.
        case blocked(String)
    }

    let graph: AssetGraph
    /// The runs, oldest first: the order in which they are launched.
    let runs: [Run]
    /// The status of each run as this driver knows it.
    var status: [RunStatus]
    /// The indices of the runs waiting to be launched (or released to the run queue), in order.
    private(set) var queued: [Int]
    /// The statuses of a run waiting to be launched: not started (as the backfill created it), and
    /// queued too for a driver that launches runs itself (a run queued before runs were created
    /// not started); for a driver that releases runs to the run queue, a queued run is released.
    let waiting: Set<RunStatus>
    /// For each run, its assets' node indices.
    private let nodesOfRun: [[Int]]
    /// For each run, its partitions.
    private let subsetOfRun: [PartitionSubset]
    /// The partition space of each asset of the backfill, by node index.
    private let spaces: [Int: PartitionSpace]
    /// The partitions of each asset still to be materialized by runs that have not succeeded.
    private var unfinished: [Int: PartitionSubset] = [:]
    /// The partitions of each asset whose runs failed or were canceled.
    private var failed: [Int: PartitionSubset] = [:]

    /// Reads the backfill's runs and resolves their partitions.
    static func load(
        _ backfill: Backfill, definitions: Definitions, storage: any RunStorage & DynamicPartitionsStorage,
        waiting: Set<RunStatus>
    ) async throws -> BackfillState {
        let graph = try definitions.assetGraph
        let runs = try await runs(of: backfill.id, storage: storage)
        var spaceOfDefinition: [String: PartitionSpace] = [:]
        var spaces: [Int: PartitionSpace] = [:]
        var nodesOfRun: [[Int]] = []
        var subsetOfRun: [PartitionSubset] = []
        let now = Date()
        for run in runs {
            let nodes = run.assetKeys.compactMap { graph.index(of: $0) }
            var subset = PartitionSubset()
            if let first = nodes.first, let definition = graph.nodes[first].spec.partitions,
                let range = run.partitionRange
            {
                let space: PartitionSpace
                if let known = spaceOfDefinition[definition.fingerprint] {
                    space = known
                } else {
                    space = try await PartitionSpace.resolve(definition, now: now, storage: storage)
                    spaceOfDefinition[definition.fingerprint] = space
                }
                for node in nodes { spaces[node] = space }
                subset = (try? space.subset(of: range)) ?? PartitionSubset()
            }
            nodesOfRun.append(nodes)
            subsetOfRun.append(subset)
        }
        var state = BackfillState(
            graph: graph, runs: runs, status: runs.map(\.status),
            queued: runs.indices.filter { waiting.contains(runs[$0].status) }, waiting: waiting,
            nodesOfRun: nodesOfRun, subsetOfRun: subsetOfRun, spaces: spaces)
        // A run that run monitoring resumed (a run of the backfill names it as its parent) failed for
        // its partitions no more: its resumption is still to materialize them.
        let resumed = Set(runs.compactMap(\.parentRunID))
        for index in runs.indices where state.status[index] != .success {
            for node in nodesOfRun[index] {
                state.unfinished[node, default: PartitionSubset()].formUnion(subsetOfRun[index])
                if [.failure, .canceled].contains(state.status[index]), !resumed.contains(runs[index].id) {
                    state.failed[node, default: PartitionSubset()].formUnion(subsetOfRun[index])
                }
            }
        }
        // A partition a resumption materialized is done, though the run it resumed failed.
        for index in runs.indices where state.status[index] == .success {
            for node in nodesOfRun[index] {
                state.unfinished[node] = state.unfinished[node]?.subtracting(subsetOfRun[index])
            }
        }
        return state
    }

    private init(
        graph: AssetGraph, runs: [Run], status: [RunStatus], queued: [Int], waiting: Set<RunStatus>,
        nodesOfRun: [[Int]],
        subsetOfRun: [PartitionSubset], spaces: [Int: PartitionSpace]
    ) {
        self.graph = graph
        self.runs = runs
        self.status = status
        self.queued = queued
        self.waiting = waiting
        self.nodesOfRun = nodesOfRun
        self.subsetOfRun = subsetOfRun
        self.spaces = spaces
    }

    /// The runs neither waiting nor ended: for a driver that releases runs to the run queue, those
    /// released earlier (by it before a restart, or by another driver) and the resumptions of dead runs.
    var released: Set<Int> {
        Set(runs.indices.filter { !status[$0].isTerminal && !queued.contains($0) })
    }

    /// Whether the queued run at `index` may be launched now.
    func readiness(of index: Int) -> Readiness {
        let own = Set(nodesOfRun[index])
        for node in nodesOfRun[index] {
            for parent in graph.parents[node] {
                guard let pending = unfinished[parent], !pending.isEmpty,
                    var mapped = graph.upstreamPartitions(
                        of: subsetOfRun[index], child: node, childSpace: spaces[node], parent: parent,
                        parentSpace: spaces[parent])
                else { continue }
                if own.contains(parent) { mapped = mapped.subtracting(subsetOfRun[index]) }
                let blocking = mapped.intersection(pending)
                guard !blocking.isEmpty else { continue }
                if let failedHere = failed[parent]?.intersection(blocking), !failedHere.isEmpty {
                    let key = spaces[parent].map { $0.key(at: failedHere.positions[0]) }
                    return .blocked(
                        "upstream partition \(key.map { "'\($0)' " } ?? "")of '\(graph.nodes[parent].key)' failed")
                }
                return .waiting
            }
        }
        return .ready
    }

    /// Records that the run at `index` left the queue or ended with `newStatus`.
    mutating func finish(_ index: Int, with newStatus: RunStatus) {
        status[index] = newStatus
        if let position = queued.firstIndex(of: index), !waiting.contains(newStatus) { queued.remove(at: position) }
        switch newStatus {
        case .success:
            for node in nodesOfRun[index] { unfinished[node] = unfinished[node]?.subtracting(subsetOfRun[index]) }
        case .failure, .canceled:
            for node in nodesOfRun[index] { failed[node, default: PartitionSubset()].formUnion(subsetOfRun[index]) }
        default:
            break
        }
    }

    /// The runs of a backfill as storage has them now, oldest first.
    static func runs(of id: BackfillID, storage: any RunStorage) async throws -> [Run] {
        try await storage.runs(ofBackfill: id)
    }

    /// How a backfill whose runs have all ended ended: successfully when every run succeeded, or
    /// was resumed by a run that did.
    static func succeeded(_ runs: [Run]) -> Bool {
        let resumed = Set(runs.compactMap(\.parentRunID))
        return runs.allSatisfy { $0.status == .success || resumed.contains($0.id) }
    }
}
