import Cairn
import Foundation
import GraphQL
import Testing

@testable import CairnWeb

/// The bulk queries executed directly give what the GraphQL library gives for the same request;
/// what the direct executor does not cover is left to the library.
@Suite struct DirectQueryExecutorTests {
    /// The response of the direct executor, or `nil`, and the library's, as JSON values.
    private func both(
        _ query: String, variables: [String: Map] = [:], operationName: String? = nil, site: WebSite
    ) async throws -> (direct: NSDictionary?, library: NSDictionary) {
        let schema = try CairnGraphQL.schema()
        let request = GraphQLRequest(query: query, operationName: operationName, variables: variables)
        let direct = await DirectQueryExecutor(schema: schema.schema).execute(
            request, context: GraphQLContext(site: site))
        let library = try await schema.execute(
            request: query, resolver: GraphQLResolver(), context: GraphQLContext(site: site), variables: variables,
            operationName: operationName)
        func parse(_ data: Data) throws -> NSDictionary {
            try #require(try JSONSerialization.jsonObject(with: data) as? NSDictionary)
        }
        return (try direct.map { try parse(Data($0.utf8)) }, try parse(try JSONEncoder().encode(library)))
    }

    private func site(_ server: WebTestServer) throws -> WebSite {
        try WebSite.make(
            definitions: WebFixture.definitions, storage: server.storage, configuration: WebConfiguration(port: 0),
            now: Date.init)
    }

    @Test func bulkQueriesGiveWhatTheLibraryGives() async throws {
        try await WebTestServer.with(materializing: [
            "group:sales", "key:flaky_feed", "key:raw_orders", "key:daily_events@2026-01-02",
        ]) { server in
            let site = try site(server)
            let run = try #require(try await server.storage.runs(matching: RunFilter(), limit: 1, after: nil).first)
            let cases: [(String, [String: Map], String?)] = [
                ("{ assetGraph { nodes { key group status } edges { from to } } }", [:], nil),
                (
                    "query G($s: String) { assetGraph(select: $s) { nodes { k: key, __typename } __typename } }",
                    ["s": "group:sales"], nil
                ),
                (
                    """
                    { assets(first: 3) { ...Page } }
                    fragment Page on AssetConnection {
                      totalCount pageInfo { hasNextPage endCursor }
                      nodes { key ... on Asset { kinds owners isSource upstream tags { key value }
                        latestMaterialization { runId partition metadata { label type value } } } }
                    }
                    """, [:], nil
                ),
                (
                    """
                    query Runs($yes: Boolean!, $n: Int = 5) {
                      runs(first: $n) { nodes { id status @include(if: $yes) jobName @skip(if: true) tags { key value } }
                        pageInfo { hasNextPage endCursor } }
                    }
                    query Other { jobs }
                    """, ["yes": true], "Runs"
                ),
                (
                    "query($id: String!) { runEvents(id: $id, first: 500) { id type level stepKey assetKey partition message error metadata { label type value } } }",
                    ["id": .string(run.id.rawValue)], nil
                ),
                (
                    "{ materializations(key: \"raw_orders\", first: 3) { runId timestamp partition dataVersion metadata { label value } } }",
                    [:], nil
                ),
                (
                    "{ a: assetGraph(select: \"key:raw_orders\") { nodes { key } } b: assets(group: \"web\") { totalCount nodes { key } } }",
                    [:], nil
                ),
            ]
            for (query, variables, operationName) in cases {
                let (direct, library) = try await both(
                    query, variables: variables, operationName: operationName, site: site)
                #expect(direct != nil, "not executed directly: \(query)")
                #expect(library["errors"] == nil, "\(library)")
                #expect(direct == library, "\(query)\ndirect: \(direct ?? [:])\nlibrary: \(library)")
            }
        }
    }

    /// Every field of the bulk queries' types but the ones known to be computed: a field computed
    /// by a function, and not listed as such, would read as null directly and differ here.
    @Test func everyFieldOfTheBulkQueriesGivesWhatTheLibraryGives() async throws {
        try await WebTestServer.with(materializing: ["group:sales", "key:flaky_feed", "key:daily_events@2026-01-02"]) {
            server in
            let site = try site(server)
            let schema = try CairnGraphQL.schema().schema
            let computed = DirectQueryExecutor(schema: schema).computedFields
            func everything(_ type: GraphQLType) throws -> String {
                switch type {
                case let nonNull as GraphQLNonNull: return try everything(nonNull.ofType)
                case let list as GraphQLList: return try everything(list.ofType)
                case let object as GraphQLObjectType:
                    let fields = try object.fields().filter { name, field in
                        field.args.isEmpty && !(computed[object.name] ?? []).contains(name)
                    }
                    return "{ "
                        + (try fields.map { name, field in name + " " + (try everything(field.type)) })
                        .joined(separator: " ") + " }"
                default: return ""
                }
            }
            let run = try #require(try await server.storage.runs(matching: RunFilter(), limit: 1, after: nil).first)
            let roots = [
                ("assetGraph", ""), ("assets", "(first: 100)"), ("runs", "(first: 100)"),
                ("runEvents", "(id: \"\(run.id)\", first: 1000)"),
                ("materializations", "(key: \"raw_orders\", first: 10)"),
            ]
            for (name, arguments) in roots {
                let field = try #require(try schema.queryType?.fields()[name])
                let query = "{ \(name)\(arguments) \(try everything(field.type)) }"
                let (direct, library) = try await both(query, site: site)
                #expect(direct != nil, "not executed directly: \(query)")
                #expect(library["errors"] == nil, "\(library)")
                #expect(direct == library, "\(query)")
            }
        }
    }

    @Test func whatTheDirectExecutorDoesNotCoverIsLeftToTheLibrary() async throws {
        try await WebTestServer.with { server in
            let site = try site(server)
            let cases: [(String, [String: Map])] = [
                ("{ assetGraph { json } }", [:]),
                ("{ __schema { queryType { name } } }", [:]),
                ("{ jobs }", [:]),
                ("{ assetGraph { nodes { key } } jobs }", [:]),
                ("mutation { stopSchedule(name: \"nightly_sales\") }", [:]),
                ("{ assetGraph(select: \"nope:x\") { nodes { key } } }", [:]),
                ("{ assetGraph { nodes { nokey } } }", [:]),
                ("query($s: String) { assetGraph(select: $s) { nodes { key } } }", ["s": 5]),
                ("query($n: Int!) { runs(first: $n) { nodes { id } } }", [:]),
                ("{ runs(first: 5000000000) { nodes { id } } }", [:]),
                ("{ assetGraph { nodes { key @deprecated } } }", [:]),
            ]
            for (query, variables) in cases {
                let (direct, _) = try await both(query, variables: variables, site: site)
                #expect(direct == nil, "executed directly: \(query)")
            }
        }
    }
}
