import Cairn
import Foundation
import Graphiti

// The objects of the GraphQL API: plain values of the instance, as the pages show them.

/// A `key=value` label.
struct GraphQLTag: Codable, Sendable {
    let key: String
    let value: String

    static func list(_ tags: [String: String]) -> [GraphQLTag] {
        tags.sorted { $0.key < $1.key }.map { GraphQLTag(key: $0.key, value: $0.value) }
    }
}

/// One metadata entry: its label, its type (`int`, `markdown`, `table_schema`…) and its value as text.
struct GraphQLMetadataEntry: Codable, Sendable {
    let label: String
    let type: String
    let value: String

    static func list(_ metadata: Metadata) -> [GraphQLMetadataEntry] {
        metadata.map { GraphQLMetadataEntry(label: $0.label, type: $0.value.typeName, value: $0.value.description) }
    }
}

/// A stored materialization of an asset.
struct GraphQLMaterialization: Codable, Sendable {
    let runId: String
    let timestamp: String
    let partition: String?
    let dataVersion: String?
    let metadata: [GraphQLMetadataEntry]

    init(_ record: EventRecord) {
        runId = record.event.runID.rawValue
        timestamp = ISO8601Timestamp.format(record.event.timestamp)
        partition = record.event.partition?.rawValue
        dataVersion = record.event.dataVersion
        metadata = GraphQLMetadataEntry.list(record.event.metadata)
    }
}

/// How many partitions of an asset are in each status.
struct GraphQLPartitionSummary: Codable, Sendable {
    let total: Int
    let materialized: Int
    let failed: Int
    let inProgress: Int
    let missing: Int
}

/// An asset with its status.
struct GraphQLAsset: Codable, Sendable {
    let key: String
    let group: String
    let description: String?
    let kinds: [String]
    let owners: [String]
    let tags: [GraphQLTag]
    let codeVersion: String?
    let isSource: Bool
    let isPartitioned: Bool
    let upstream: [String]
    let downstream: [String]
    /// `FRESH`, `STALE`, `MISSING`, `FAILED`, `IN_PROGRESS` or `SOURCE`.
    let status: String
    let staleReasons: [String]
    let latestMaterialization: GraphQLMaterialization?
}

/// A node of the asset graph.
struct GraphQLGraphNode: Codable, Sendable {
    let key: String
    let group: String
    let status: String
}

/// A dependency of the asset graph.
struct GraphQLGraphEdge: Codable, Sendable {
    let from: String
    let to: String
}

/// The asset graph, or a selection of it.
struct GraphQLAssetGraph: Codable, Sendable {
    let nodes: [GraphQLGraphNode]
    let edges: [GraphQLGraphEdge]

    /// The graph as one JSON text, `{"nodes": [...], "edges": [...]}`, for clients that want it
    /// whole; typed `nodes` and `edges` are as fast (`DirectQueryExecutor`).
    func json(context: GraphQLContext, arguments: NoArguments) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

/// An event of a run's log.
struct GraphQLEvent: Codable, Sendable {
    let id: String
    let type: String
    let timestamp: String
    let level: String
    let stepKey: String?
    let assetKey: String?
    let partition: String?
    let message: String
    let error: String?
    let metadata: [GraphQLMetadataEntry]

    init(_ record: EventRecord) {
        id = String(record.id)
        type = record.event.type.rawValue
        timestamp = ISO8601Timestamp.format(record.event.timestamp)
        level = record.event.level.rawValue
        stepKey = record.event.stepKey
        assetKey = record.event.assetKey?.description
        partition = record.event.partition?.rawValue
        message = record.event.message
        error = record.event.error.map { ([$0.description] + $0.stack).joined(separator: "\n") }
        metadata = GraphQLMetadataEntry.list(record.event.metadata)
    }
}

/// A run.
struct GraphQLRun: Codable, Sendable {
    let id: String
    let status: String
    let jobName: String
    let selection: String?
    let assetKeys: [String]
    let tags: [GraphQLTag]
    let createdAt: String
    let startedAt: String?
    let endedAt: String?
    let parentRunId: String?
    let rootRunId: String?
    let runConfig: String?

    init(_ run: Run) {
        id = run.id.rawValue
        status = run.status.rawValue
        jobName = run.jobName
        selection = run.selection
        assetKeys = run.assetKeys.map(\.description)
        tags = GraphQLTag.list(run.tags)
        createdAt = ISO8601Timestamp.format(run.createdAt)
        startedAt = run.startedAt.map { ISO8601Timestamp.format($0) }
        endedAt = run.endedAt.map { ISO8601Timestamp.format($0) }
        parentRunId = run.parentRunID?.rawValue
        rootRunId = run.rootRunID?.rawValue
        runConfig = run.runConfig.map(\.description)
    }
}

/// A tick of a schedule or a sensor.
struct GraphQLTick: Codable, Sendable {
    let timestamp: String
    let scheduledTime: String
    let status: String
    let runIds: [String]
    let message: String?

    init(_ tick: ScheduleTick) {
        timestamp = ISO8601Timestamp.format(tick.timestamp)
        scheduledTime = ISO8601Timestamp.format(tick.scheduledTime)
        status = tick.status.rawValue
        runIds = tick.runIDs.map(\.rawValue)
        message = tick.message
    }
}

/// A schedule with its state.
struct GraphQLSchedule: Codable, Sendable {
    let name: String
    let cron: String
    let timezone: String
    let target: String
    let status: String
    let nextTick: String?
    let recentTicks: [GraphQLTick]
}

/// A sensor with its state.
struct GraphQLSensor: Codable, Sendable {
    let name: String
    let target: String?
    let description: String?
    let minimumIntervalSeconds: Double
    let status: String
    let cursor: String?
    let recentTicks: [GraphQLTick]
}

/// A backfill.
struct GraphQLBackfill: Codable, Sendable {
    let id: String
    let status: String
    let selection: String
    let assetKeys: [String]
    let partitionSelection: String
    let partitionCount: Int
    let runCount: Int
    let createdAt: String
    let endedAt: String?
    let error: String?

    init(_ backfill: Backfill) {
        id = backfill.id.rawValue
        status = backfill.status.rawValue
        selection = backfill.selection
        assetKeys = backfill.assetKeys.map(\.description)
        partitionSelection = backfill.partitionSelection
        partitionCount = backfill.partitionCount
        runCount = backfill.runCount
        createdAt = ISO8601Timestamp.format(backfill.createdAt)
        endedAt = backfill.endedAt.map { ISO8601Timestamp.format($0) }
        error = backfill.error
    }
}

/// The latest automation evaluation of an asset, with its explanation as indented text.
struct GraphQLAutomationEvaluation: Codable, Sendable {
    let assetKey: String
    let timestamp: String
    let requested: Bool
    let runIds: [String]
    let explanation: String

    init(_ evaluation: AutomationEvaluation) {
        assetKey = evaluation.assetKey.description
        timestamp = ISO8601Timestamp.format(evaluation.timestamp)
        requested = evaluation.requested
        runIds = evaluation.runIDs.map(\.rawValue)
        explanation = Self.lines(evaluation.condition, depth: 0).joined(separator: "\n")
    }

    private static func lines(_ node: AutomationEvaluationNode, depth: Int) -> [String] {
        let mark = node.trueCount > 0 ? "✓" : "✗"
        let reasons = node.reasons.isEmpty ? "" : " — " + node.reasons.joined(separator: "; ")
        return [String(repeating: "  ", count: depth) + "\(mark) \(node.label)\(reasons)"]
            + node.children.flatMap { lines($0, depth: depth + 1) }
    }
}

/// A daemon service's latest heartbeat.
struct GraphQLDaemonHeartbeat: Codable, Sendable {
    let daemonId: String
    let service: String
    let host: String
    let pid: Int
    let timestamp: String
    let healthy: Bool
    let error: String?
}

/// Where a page of a list ends.
struct GraphQLPageInfo: Codable, Sendable {
    let hasNextPage: Bool
    let endCursor: String?
}

/// A page of assets.
struct GraphQLAssetConnection: Codable, Sendable {
    let nodes: [GraphQLAsset]
    let totalCount: Int
    let pageInfo: GraphQLPageInfo
}

/// A page of runs.
struct GraphQLRunConnection: Codable, Sendable {
    let nodes: [GraphQLRun]
    let pageInfo: GraphQLPageInfo
}

/// A page of backfills.
struct GraphQLBackfillConnection: Codable, Sendable {
    let nodes: [GraphQLBackfill]
    let pageInfo: GraphQLPageInfo
}
