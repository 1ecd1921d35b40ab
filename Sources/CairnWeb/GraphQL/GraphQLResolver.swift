import Cairn
import CairnYAML
import Foundation
import Graphiti

/// What the API's resolvers read: the site of the server.
struct GraphQLContext: Sendable {
    let site: WebSite
}

/// A resolver's failure, with the message of the error it stands for: what is wrong and how to fix it.
struct GraphQLFailure: LocalizedError, CustomStringConvertible {
    let message: String

    init(_ error: any Error) {
        message = (error as? GraphQLFailure)?.message ?? ErrorPage.classify(error).1
    }

    var errorDescription: String? { message }

    var description: String { message }
}

/// The fields of `Query` and `Mutation`.
struct GraphQLResolver: Sendable {
    /// The most items of a page.
    static let maxPageSize = 1000

    struct AssetsArguments: Codable, Sendable {
        let select: String?
        let group: String?
        let kind: String?
        let first: Int?
        let after: String?
    }

    struct KeyArguments: Codable, Sendable {
        let key: String
    }

    struct KeyPageArguments: Codable, Sendable {
        let key: String
        let first: Int?
    }

    struct SelectArguments: Codable, Sendable {
        let select: String?
    }

    struct RunsArguments: Codable, Sendable {
        let statuses: [String]?
        let job: String?
        let tag: String?
        let first: Int?
        let after: String?
    }

    struct IDArguments: Codable, Sendable {
        let id: String
    }

    struct RunEventsArguments: Codable, Sendable {
        let id: String
        let after: String?
        let first: Int?
    }

    struct PageArguments: Codable, Sendable {
        let first: Int?
        let after: String?
    }

    struct LaunchRunArguments: Codable, Sendable {
        let select: String?
        let job: String?
        let partition: String?
        let tags: [String]?
        let runConfigYaml: String?
    }

    struct ReexecuteArguments: Codable, Sendable {
        let id: String
        let fromFailure: Bool?
    }

    struct BackfillArguments: Codable, Sendable {
        let select: String
        let partitions: String?
    }

    struct NameArguments: Codable, Sendable {
        let name: String
    }

    struct DynamicPartitionsArguments: Codable, Sendable {
        let name: String
        let keys: [String]
    }

    // MARK: Queries

    func assets(context: GraphQLContext, arguments: AssetsArguments) async throws -> GraphQLAssetConnection {
        try await reported {
            let graph = context.site.graph
            var indices =
                try arguments.select.map { try AssetSelection.parse($0).resolve(in: graph).sorted() }
                ?? Array(graph.nodes.indices)
            indices = indices.filter { index in
                let spec = graph.nodes[index].spec
                return (arguments.group.map { spec.group == $0 } ?? true)
                    && (arguments.kind.map { spec.kinds.contains($0) } ?? true)
            }
            let start =
                try arguments.after.map { cursor in
                    guard let offset = Int(cursor), offset >= 0 else {
                        throw GraphQLFailure(
                            message: "the cursor '\(cursor)' is not one this API returned; pass the previous page's "
                                + "pageInfo.endCursor as after")
                    }
                    return offset
                } ?? 0
            let page = Array(indices.dropFirst(start).prefix(try pageSize(arguments.first)))
            let assets = try await Self.assets(page, site: context.site)
            let end = start + page.count
            return GraphQLAssetConnection(
                nodes: assets, totalCount: indices.count,
                pageInfo: GraphQLPageInfo(hasNextPage: end < indices.count, endCursor: page.isEmpty ? nil : String(end))
            )
        }
    }

    func asset(context: GraphQLContext, arguments: KeyArguments) async throws -> GraphQLAsset {
        try await reported {
            let index = try context.site.index(ofAsset: AssetKey(arguments.key))
            return try await Self.assets([index], site: context.site)[0]
        }
    }

    func assetGraph(context: GraphQLContext, arguments: SelectArguments) async throws -> GraphQLAssetGraph {
        try await reported {
            let graph = context.site.graph
            let selected = try arguments.select.map { try AssetSelection.parse($0).resolve(in: graph) }
            let health = try await AssetHealth.load(selected, site: context.site)
            let indices = selected?.sorted() ?? Array(graph.nodes.indices)
            let included = selected ?? Set(indices)
            return GraphQLAssetGraph(
                nodes: indices.map { index in
                    let spec = graph.nodes[index].spec
                    return GraphQLGraphNode(
                        key: spec.key.description, group: spec.group, status: Self.status(health.display(spec.key)))
                },
                edges: indices.flatMap { index in
                    graph.parents[index].filter(included.contains).map {
                        GraphQLGraphEdge(from: graph.nodes[$0].key.description, to: graph.nodes[index].key.description)
                    }
                })
        }
    }

    func assetPartitions(context: GraphQLContext, arguments: KeyArguments) async throws -> GraphQLPartitionSummary {
        try await reported {
            let index = try context.site.index(ofAsset: AssetKey(arguments.key))
            let (status, space) = try await context.site.definitions.partitionStatus(
                of: context.site.graph.nodes[index].key, storage: context.site.storage, now: context.site.now())
            let summary = status.summary(in: space)
            return GraphQLPartitionSummary(
                total: summary.total, materialized: summary.materialized.count, failed: summary.failed.count,
                inProgress: summary.inProgress.count, missing: summary.missing.count)
        }
    }

    func materializations(context: GraphQLContext, arguments: KeyPageArguments) async throws -> [GraphQLMaterialization]
    {
        try await reported {
            let index = try context.site.index(ofAsset: AssetKey(arguments.key))
            return try await context.site.storage.materializations(
                of: context.site.graph.nodes[index].key, before: nil, limit: try pageSize(arguments.first)
            ).map(GraphQLMaterialization.init)
        }
    }

    func runs(context: GraphQLContext, arguments: RunsArguments) async throws -> GraphQLRunConnection {
        try await reported {
            let listing = try RunListing(
                statuses: arguments.statuses ?? [], tag: arguments.tag, job: arguments.job, date: nil)
            let (runs, hasNextPage) = try await listing.page(
                after: arguments.after.map(RunID.init), limit: try pageSize(arguments.first),
                storage: context.site.storage)
            return GraphQLRunConnection(
                nodes: runs.map(GraphQLRun.init),
                pageInfo: GraphQLPageInfo(hasNextPage: hasNextPage, endCursor: runs.last?.id.rawValue))
        }
    }

    func run(context: GraphQLContext, arguments: IDArguments) async throws -> GraphQLRun {
        try await reported {
            guard let run = try await context.site.storage.run(RunID(arguments.id)) else {
                throw OperationError.unknownRun(RunID(arguments.id))
            }
            return GraphQLRun(run)
        }
    }

    func runEvents(context: GraphQLContext, arguments: RunEventsArguments) async throws -> [GraphQLEvent] {
        try await reported {
            guard try await context.site.storage.run(RunID(arguments.id)) != nil else {
                throw OperationError.unknownRun(RunID(arguments.id))
            }
            let after = try arguments.after.map { text in
                guard let id = Int64(text) else {
                    throw GraphQLFailure(message: "an event cursor is an event id, got '\(text)'")
                }
                return id
            }
            return try await context.site.storage.events(
                ofRun: RunID(arguments.id), after: after, limit: try pageSize(arguments.first)
            ).map(GraphQLEvent.init)
        }
    }

    func schedules(context: GraphQLContext, arguments: NoArguments) async throws -> [GraphQLSchedule] {
        try await reported {
            let now = context.site.now()
            var result: [GraphQLSchedule] = []
            for schedule in context.site.definitions.schedules {
                let status =
                    try await context.site.storage.scheduleState(schedule.name)?.status ?? schedule.defaultStatus
                let next = status == .running ? (try? schedule.cronSchedule().nextTick(after: now)) : nil
                result.append(
                    GraphQLSchedule(
                        name: schedule.name, cron: schedule.cron, timezone: schedule.timezone,
                        target: schedule.target.description, status: status.rawValue,
                        nextTick: next.map { ISO8601Timestamp.format($0) },
                        recentTicks: try await context.site.storage.scheduleTicks(
                            of: schedule.name, before: nil, limit: 10
                        )
                        .map(GraphQLTick.init)))
            }
            return result
        }
    }

    func sensors(context: GraphQLContext, arguments: NoArguments) async throws -> [GraphQLSensor] {
        try await reported {
            var result: [GraphQLSensor] = []
            for sensor in context.site.definitions.sensors {
                let state = try await context.site.storage.scheduleState(sensor.storageName)
                result.append(
                    GraphQLSensor(
                        name: sensor.name, target: sensor.target?.description, description: sensor.description,
                        minimumIntervalSeconds: sensor.minimumInterval.inSeconds,
                        status: (state?.status ?? sensor.defaultStatus).rawValue, cursor: state?.cursor,
                        recentTicks: try await context.site.storage.scheduleTicks(
                            of: sensor.storageName, before: nil, limit: 10
                        ).map(GraphQLTick.init)))
            }
            return result
        }
    }

    func backfills(context: GraphQLContext, arguments: PageArguments) async throws -> GraphQLBackfillConnection {
        try await reported {
            let limit = try pageSize(arguments.first)
            let page = try await context.site.storage.backfills(
                limit: limit + 1, after: arguments.after.map(BackfillID.init))
            let shown = Array(page.prefix(limit))
            return GraphQLBackfillConnection(
                nodes: shown.map(GraphQLBackfill.init),
                pageInfo: GraphQLPageInfo(hasNextPage: page.count > limit, endCursor: shown.last?.id.rawValue))
        }
    }

    func backfill(context: GraphQLContext, arguments: IDArguments) async throws -> GraphQLBackfill {
        try await reported {
            guard let backfill = try await context.site.storage.backfill(BackfillID(arguments.id)) else {
                throw WebError.notFound("there is no backfill with id '\(arguments.id)'")
            }
            return GraphQLBackfill(backfill)
        }
    }

    func automationEvaluations(context: GraphQLContext, arguments: NoArguments) async throws
        -> [GraphQLAutomationEvaluation]
    {
        try await reported {
            let keys = context.site.graph.nodes.filter { $0.spec.automationCondition != nil }.map(\.key)
            let latest = try await context.site.storage.latestAutomationEvaluations(of: keys)
            return keys.compactMap { latest[$0] }.map(GraphQLAutomationEvaluation.init)
        }
    }

    func daemonHealth(context: GraphQLContext, arguments: NoArguments) async throws -> [GraphQLDaemonHeartbeat] {
        try await reported {
            let now = context.site.now()
            return try await context.site.storage.daemonHeartbeats().map { heartbeat in
                GraphQLDaemonHeartbeat(
                    daemonId: heartbeat.daemonID.rawValue, service: heartbeat.service, host: heartbeat.host,
                    pid: Int(heartbeat.pid), timestamp: ISO8601Timestamp.format(heartbeat.timestamp),
                    healthy: heartbeat.isHealthy(at: now),
                    error: heartbeat.error)
            }
        }
    }

    func jobs(context: GraphQLContext, arguments: NoArguments) -> [String] {
        context.site.definitions.jobs.map(\.name)
    }

    // MARK: Mutations

    func launchRun(context: GraphQLContext, arguments: LaunchRunArguments) async throws -> GraphQLRun {
        try await changing(context) {
            let target: Schedule.Target
            switch (arguments.select, arguments.job) {
            case (let selection?, nil): target = .selection(selection)
            case (nil, let job?): target = .job(job)
            default: throw GraphQLFailure(message: "give either select (assets) or job, not both or neither")
            }
            let tags = try Run.tags(parsing: arguments.tags ?? [])
            let yaml = arguments.runConfigYaml ?? ""
            do {
                return GraphQLRun(
                    try await context.site.operations.queueRun(
                        target, partitionRange: arguments.partition.map { PartitionKeyRange(PartitionKey($0)) },
                        tags: tags,
                        runConfig: try Self.runConfig(yaml: yaml)))
            } catch let error as ConfigError {
                throw GraphQLFailure(
                    message: error.issues.map { issue in
                        (RunConfigFile.line(of: issue.path, inYAML: yaml).map { "runConfigYaml:\($0): " } ?? "")
                            + issue.description
                    }.joined(separator: "\n"))
            }
        }
    }

    func reexecuteRun(context: GraphQLContext, arguments: ReexecuteArguments) async throws -> GraphQLRun {
        try await changing(context) {
            GraphQLRun(
                try await context.site.operations.queueReexecution(
                    of: RunID(arguments.id), fromFailure: arguments.fromFailure ?? false))
        }
    }

    func terminateRun(context: GraphQLContext, arguments: IDArguments) async throws -> GraphQLRun {
        try await changing(context) { GraphQLRun(try await context.site.operations.terminate(RunID(arguments.id)).run) }
    }

    func launchBackfill(context: GraphQLContext, arguments: BackfillArguments) async throws -> GraphQLBackfill {
        try await changing(context) {
            GraphQLBackfill(
                try await context.site.operations.launchBackfill(
                    arguments.select, partitions: PartitionSelection(parsing: arguments.partitions ?? "missing")))
        }
    }

    func cancelBackfill(context: GraphQLContext, arguments: IDArguments) async throws -> GraphQLBackfill {
        try await changing(context) {
            GraphQLBackfill(try await context.site.operations.cancelBackfill(BackfillID(arguments.id)))
        }
    }

    func startSchedule(context: GraphQLContext, arguments: NameArguments) async throws -> String {
        try await changing(context) {
            try await context.site.operations.setSchedule(arguments.name, running: true)
            return ScheduleStatus.running.rawValue
        }
    }

    func stopSchedule(context: GraphQLContext, arguments: NameArguments) async throws -> String {
        try await changing(context) {
            try await context.site.operations.setSchedule(arguments.name, running: false)
            return ScheduleStatus.stopped.rawValue
        }
    }

    func startSensor(context: GraphQLContext, arguments: NameArguments) async throws -> String {
        try await changing(context) {
            try await context.site.operations.setSensor(arguments.name, running: true)
            return ScheduleStatus.running.rawValue
        }
    }

    func stopSensor(context: GraphQLContext, arguments: NameArguments) async throws -> String {
        try await changing(context) {
            try await context.site.operations.setSensor(arguments.name, running: false)
            return ScheduleStatus.stopped.rawValue
        }
    }

    func addDynamicPartitions(context: GraphQLContext, arguments: DynamicPartitionsArguments) async throws -> Int {
        try await changing(context) {
            try await context.site.operations.addDynamicPartitions(arguments.keys, to: arguments.name)
        }
    }

    func deleteDynamicPartitions(context: GraphQLContext, arguments: DynamicPartitionsArguments) async throws -> Int {
        try await changing(context) {
            try await context.site.operations.deleteDynamicPartitions(arguments.keys, from: arguments.name)
        }
    }

    // MARK: Helpers

    /// The assets at `indices` with their health, read in one batch.
    static func assets(_ indices: [Int], site: WebSite) async throws -> [GraphQLAsset] {
        let graph = site.graph
        let health = try await AssetHealth.load(Set(indices), site: site)
        return indices.map { index in
            let node = graph.nodes[index]
            let spec = node.spec
            return GraphQLAsset(
                key: spec.key.description, group: spec.group, description: spec.description, kinds: spec.kinds,
                owners: spec.owners, tags: GraphQLTag.list(spec.tags), codeVersion: spec.codeVersion,
                isSource: node.isSource, isPartitioned: spec.partitions != nil,
                upstream: graph.parents[index].map { graph.nodes[$0].key.description },
                downstream: graph.children[index].map { graph.nodes[$0].key.description },
                status: status(health.display(spec.key)),
                staleReasons: health.statuses[spec.key]?.reasons.map(\.description) ?? [],
                latestMaterialization: health.materializations[spec.key].map(GraphQLMaterialization.init))
        }
    }

    /// `FRESH`, `STALE`, `MISSING`, `FAILED`, `IN_PROGRESS` or `SOURCE`.
    static func status(_ display: AssetHealth.Display) -> String {
        display.rawValue.uppercased().replacingOccurrences(of: " ", with: "_")
    }

    /// Run config from YAML; YAML errors name their line and column.
    static func runConfig(yaml: String) throws -> RunConfig {
        guard !yaml.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .empty }
        return try RunConfig(try RunConfigFile.parse(yaml: yaml, path: "runConfigYaml"))
    }

    private func pageSize(_ first: Int?) throws -> Int {
        let size = first ?? 50
        guard (1...Self.maxPageSize).contains(size) else {
            throw GraphQLFailure(message: "first must be between 1 and \(Self.maxPageSize), got \(size)")
        }
        return size
    }

    /// `body`'s result, or a failure with its error's message.
    private func reported<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            throw GraphQLFailure(error)
        }
    }

    /// `body`'s result on a server that allows changes.
    private func changing<Result>(_ context: GraphQLContext, _ body: () async throws -> Result) async throws -> Result {
        guard context.site.allowsChanges else { throw GraphQLFailure(OperationError.readOnly) }
        return try await reported(body)
    }
}

extension GraphQLFailure {
    /// A failure with this message.
    init(message: String) {
        self.message = message
    }
}
