import Foundation
import GraphQL
import Graphiti
import Hummingbird

/// `/graphql`: POST executes a request (`{"query", "operationName", "variables"}`) and answers
/// `{"data", "errors"}`; GET shows a page to try queries, with the schema.
struct GraphQLEndpoint: Sendable {
    let site: WebSite
    let schema: Schema<GraphQLResolver, GraphQLContext>
    /// The bounds of a request, checked before it reaches the parser.
    var limits = GraphQLLimits()
    /// The executor of bulk queries, tried before the library's.
    let direct: DirectQueryExecutor

    init(site: WebSite, schema: Schema<GraphQLResolver, GraphQLContext>) {
        self.site = site
        self.schema = schema
        direct = DirectQueryExecutor(schema: schema.schema)
    }

    func execute(_ request: Request) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: WebSite.maxBodySize)
        let graphQLRequest: GraphQLRequest
        do {
            graphQLRequest = try JSONDecoder().decode(GraphQLRequest.self, from: Data(buffer: body))
        } catch {
            throw WebError.badRequest(
                "the body is not a GraphQL request: send JSON {\"query\": \"…\", \"variables\": {…}}")
        }
        do {
            try limits.check(query: graphQLRequest.query)
            try limits.check(variables: graphQLRequest.variables)
        } catch {
            let errors = ["errors": [["message": "request refused: \(error.description)"]]]
            return .json(String(decoding: try JSONEncoder().encode(errors), as: UTF8.self), status: .badRequest)
        }
        if let response = await direct.execute(graphQLRequest, context: GraphQLContext(site: site)) {
            return .json(response)
        }
        let result = try await schema.execute(
            request: graphQLRequest.query, resolver: GraphQLResolver(), context: GraphQLContext(site: site),
            variables: graphQLRequest.variables, operationName: graphQLRequest.operationName)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return .json(String(decoding: try encoder.encode(result), as: UTF8.self))
    }

    func page() throws -> Response {
        let example = """
            {
              assets(first: 10) {
                nodes { key status latestMaterialization { timestamp } }
                pageInfo { hasNextPage endCursor }
              }
            }
            """
        let body = """
            <h1>GraphQL API</h1><p class="subtitle">POST JSON to <code>/graphql</code>: \
            <code>{"query": "…", "variables": {…}}</code>. Everything the pages show and do.</p>
            <form class="card" id="graphql-console"><label class="field"><span>Query</span>\
            <textarea class="yaml" name="query" spellcheck="false">\(HTML.escape(example))</textarea></label>\
            <div class="actions"><button class="button primary" type="submit">Run</button></div>\
            <pre class="output" id="graphql-result">Run a query to see its result (needs JavaScript).</pre></form>
            <div class="card"><h2>Schema</h2><pre class="mono">\(HTML.escape(printSchema(schema: schema.schema)))</pre></div>
            """
        return .html(PageLayout.render("GraphQL", section: nil, site: site, body: body))
    }
}
