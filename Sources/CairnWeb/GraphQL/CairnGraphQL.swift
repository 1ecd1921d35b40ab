import Foundation
import GraphQL
import Graphiti

/// Cairn's GraphQL API at `/graphql`: what the pages show, as queries, and what they change, as
/// mutations. `schema` prints its SDL.
///
/// ```graphql
/// { assets(select: "group:weather") { nodes { key status latestMaterialization { timestamp } } } }
/// mutation { launchRun(select: "key:hottest_dates") { id status } }
/// ```
public enum CairnGraphQL {
    /// The schema in the GraphQL schema definition language.
    public static func sdl() throws -> String {
        printSchema(schema: try schema().schema)
    }

    /// Builds the schema.
    static func schema() throws -> Schema<GraphQLResolver, GraphQLContext> {
        try Schema<GraphQLResolver, GraphQLContext> {
            Type(GraphQLTag.self, as: "Tag") {
                Field("key", at: \.key)
                Field("value", at: \.value)
            }
            Type(GraphQLMetadataEntry.self, as: "MetadataEntry") {
                Field("label", at: \.label)
                Field("type", at: \.type)
                Field("value", at: \.value)
            }
            Type(GraphQLMaterialization.self, as: "Materialization") {
                Field("runId", at: \.runId)
                Field("timestamp", at: \.timestamp)
                Field("partition", at: \.partition)
                Field("dataVersion", at: \.dataVersion)
                Field("metadata", at: \.metadata)
            }
            Type(GraphQLPartitionSummary.self, as: "PartitionSummary") {
                Field("total", at: \.total)
                Field("materialized", at: \.materialized)
                Field("failed", at: \.failed)
                Field("inProgress", at: \.inProgress)
                Field("missing", at: \.missing)
            }
            Type(GraphQLAsset.self, as: "Asset") {
                Field("key", at: \.key)
                Field("group", at: \.group)
                Field("description", at: \.description)
                Field("kinds", at: \.kinds)
                Field("owners", at: \.owners)
                Field("tags", at: \.tags)
                Field("codeVersion", at: \.codeVersion)
                Field("isSource", at: \.isSource)
                Field("isPartitioned", at: \.isPartitioned)
                Field("upstream", at: \.upstream)
                Field("downstream", at: \.downstream)
                Field("status", at: \.status).description("FRESH, STALE, MISSING, FAILED, IN_PROGRESS or SOURCE")
                Field("staleReasons", at: \.staleReasons)
                Field("latestMaterialization", at: \.latestMaterialization)
            }
            Type(GraphQLPageInfo.self, as: "PageInfo") {
                Field("hasNextPage", at: \.hasNextPage)
                Field("endCursor", at: \.endCursor)
            }
            Type(GraphQLAssetConnection.self, as: "AssetConnection") {
                Field("nodes", at: \.nodes)
                Field("totalCount", at: \.totalCount)
                Field("pageInfo", at: \.pageInfo)
            }
            Type(GraphQLGraphNode.self, as: "AssetGraphNode") {
                Field("key", at: \.key)
                Field("group", at: \.group)
                Field("status", at: \.status)
            }
            Type(GraphQLGraphEdge.self, as: "AssetGraphEdge") {
                Field("from", at: \.from)
                Field("to", at: \.to)
            }
            Type(GraphQLAssetGraph.self, as: "AssetGraph") {
                Field("nodes", at: \.nodes)
                Field("edges", at: \.edges)
                Field("json", at: GraphQLAssetGraph.json)
                    .description(
                        "The nodes and edges as one JSON text, {\"nodes\": [...], \"edges\": [...]}")
            }
            Type(GraphQLRun.self, as: "Run") {
                Field("id", at: \.id)
                Field("status", at: \.status)
                Field("jobName", at: \.jobName)
                Field("selection", at: \.selection)
                Field("assetKeys", at: \.assetKeys)
                Field("tags", at: \.tags)
                Field("createdAt", at: \.createdAt)
                Field("startedAt", at: \.startedAt)
                Field("endedAt", at: \.endedAt)
                Field("parentRunId", at: \.parentRunId)
                Field("rootRunId", at: \.rootRunId)
                Field("runConfig", at: \.runConfig)
            }
            Type(GraphQLRunConnection.self, as: "RunConnection") {
                Field("nodes", at: \.nodes)
                Field("pageInfo", at: \.pageInfo)
            }
            Type(GraphQLEvent.self, as: "RunEvent") {
                Field("id", at: \.id)
                Field("type", at: \.type)
                Field("timestamp", at: \.timestamp)
                Field("level", at: \.level)
                Field("stepKey", at: \.stepKey)
                Field("assetKey", at: \.assetKey)
                Field("partition", at: \.partition)
                Field("message", at: \.message)
                Field("error", at: \.error)
                Field("metadata", at: \.metadata)
            }
            Type(GraphQLTick.self, as: "Tick") {
                Field("timestamp", at: \.timestamp)
                Field("scheduledTime", at: \.scheduledTime)
                Field("status", at: \.status)
                Field("runIds", at: \.runIds)
                Field("message", at: \.message)
            }
            Type(GraphQLSchedule.self, as: "Schedule") {
                Field("name", at: \.name)
                Field("cron", at: \.cron)
                Field("timezone", at: \.timezone)
                Field("target", at: \.target)
                Field("status", at: \.status)
                Field("nextTick", at: \.nextTick)
                Field("recentTicks", at: \.recentTicks)
            }
            Type(GraphQLSensor.self, as: "Sensor") {
                Field("name", at: \.name)
                Field("target", at: \.target)
                Field("description", at: \.description)
                Field("minimumIntervalSeconds", at: \.minimumIntervalSeconds)
                Field("status", at: \.status)
                Field("cursor", at: \.cursor)
                Field("recentTicks", at: \.recentTicks)
            }
            Type(GraphQLBackfill.self, as: "Backfill") {
                Field("id", at: \.id)
                Field("status", at: \.status)
                Field("selection", at: \.selection)
                Field("assetKeys", at: \.assetKeys)
                Field("partitionSelection", at: \.partitionSelection)
                Field("partitionCount", at: \.partitionCount)
                Field("runCount", at: \.runCount)
                Field("createdAt", at: \.createdAt)
                Field("endedAt", at: \.endedAt)
                Field("error", at: \.error)
            }
            Type(GraphQLBackfillConnection.self, as: "BackfillConnection") {
                Field("nodes", at: \.nodes)
                Field("pageInfo", at: \.pageInfo)
            }
            Type(GraphQLAutomationEvaluation.self, as: "AutomationEvaluation") {
                Field("assetKey", at: \.assetKey)
                Field("timestamp", at: \.timestamp)
                Field("requested", at: \.requested)
                Field("runIds", at: \.runIds)
                Field("explanation", at: \.explanation)
            }
            Type(GraphQLDaemonHeartbeat.self, as: "DaemonHeartbeat") {
                Field("daemonId", at: \.daemonId)
                Field("service", at: \.service)
                Field("host", at: \.host)
                Field("pid", at: \.pid)
                Field("timestamp", at: \.timestamp)
                Field("healthy", at: \.healthy)
                Field("error", at: \.error)
            }
            Query {
                Field("assets", at: GraphQLResolver.assets) {
                    Argument("select", at: \.select).description("A selection: '*', 'group:weather', '+key:x'")
                    Argument("group", at: \.group)
                    Argument("kind", at: \.kind)
                    Argument("first", at: \.first)
                    Argument("after", at: \.after)
                }
                Field("asset", at: GraphQLResolver.asset) { Argument("key", at: \.key) }
                Field("assetGraph", at: GraphQLResolver.assetGraph) { Argument("select", at: \.select) }
                Field("assetPartitions", at: GraphQLResolver.assetPartitions) { Argument("key", at: \.key) }
                Field("materializations", at: GraphQLResolver.materializations) {
                    Argument("key", at: \.key)
                    Argument("first", at: \.first)
                }
                Field("runs", at: GraphQLResolver.runs) {
                    Argument("statuses", at: \.statuses)
                    Argument("job", at: \.job)
                    Argument("tag", at: \.tag).description("key=value")
                    Argument("first", at: \.first)
                    Argument("after", at: \.after)
                }
                Field("run", at: GraphQLResolver.run) { Argument("id", at: \.id) }
                Field("runEvents", at: GraphQLResolver.runEvents) {
                    Argument("id", at: \.id)
                    Argument("after", at: \.after)
                    Argument("first", at: \.first)
                }
                Field("schedules", at: GraphQLResolver.schedules)
                Field("sensors", at: GraphQLResolver.sensors)
                Field("backfills", at: GraphQLResolver.backfills) {
                    Argument("first", at: \.first)
                    Argument("after", at: \.after)
                }
                Field("backfill", at: GraphQLResolver.backfill) { Argument("id", at: \.id) }
                Field("automationEvaluations", at: GraphQLResolver.automationEvaluations)
                Field("daemonHealth", at: GraphQLResolver.daemonHealth)
                Field("jobs", at: GraphQLResolver.jobs)
            }
            Mutation {
                Field("launchRun", at: GraphQLResolver.launchRun) {
                    Argument("select", at: \.select)
                    Argument("job", at: \.job)
                    Argument("partition", at: \.partition)
                    Argument("tags", at: \.tags).description("key=value")
                    Argument("runConfigYaml", at: \.runConfigYaml)
                }
                Field("reexecuteRun", at: GraphQLResolver.reexecuteRun) {
                    Argument("id", at: \.id)
                    Argument("fromFailure", at: \.fromFailure)
                }
                Field("terminateRun", at: GraphQLResolver.terminateRun) { Argument("id", at: \.id) }
                Field("launchBackfill", at: GraphQLResolver.launchBackfill) {
                    Argument("select", at: \.select)
                    Argument("partitions", at: \.partitions).description("all, missing, failed, KEY, FIRST...LAST")
                }
                Field("cancelBackfill", at: GraphQLResolver.cancelBackfill) { Argument("id", at: \.id) }
                Field("startSchedule", at: GraphQLResolver.startSchedule) { Argument("name", at: \.name) }
                Field("stopSchedule", at: GraphQLResolver.stopSchedule) { Argument("name", at: \.name) }
                Field("startSensor", at: GraphQLResolver.startSensor) { Argument("name", at: \.name) }
                Field("stopSensor", at: GraphQLResolver.stopSensor) { Argument("name", at: \.name) }
                Field("addDynamicPartitions", at: GraphQLResolver.addDynamicPartitions) {
                    Argument("name", at: \.name)
                    Argument("keys", at: \.keys)
                }
                Field("deleteDynamicPartitions", at: GraphQLResolver.deleteDynamicPartitions) {
                    Argument("name", at: \.name)
                    Argument("keys", at: \.keys)
                }
            }
        }
    }
}
