import Foundation
import GraphQL

/// Executes the queries that read plain data in bulk (`assetGraph`, `assets`, `runs`,
/// `runEvents`, `materializations`) without the GraphQL library's task per field and per list
/// item, which takes most of a second for 10,000 assets: the root fields' resolvers are called
/// directly, and their results are projected onto the selection set as JSON is written.
///
/// The library still parses and validates every request. Anything this executor does not cover
/// (introspection, mutations, other root fields, interfaces, a field computed by a function, a
/// variable of an input type, a resolver's error, a value the schema's type refuses) returns
/// `nil`, and the library executes the request as usual: queries have no side effects, so trying
/// here first never changes what a client gets, only how fast.
struct DirectQueryExecutor: Sendable {
    /// A root field's resolver: its arguments as JSON, its result as plain values.
    typealias RootResolver = @Sendable (GraphQLContext, Data) async throws -> ResultValue

    /// The schema requests are validated against.
    let schema: GraphQLSchema
    /// The root fields executed here.
    let roots: [String: RootResolver]
    /// Fields computed by a function, not read from the value (`AssetGraph.json`), by type.
    let computedFields: [String: Set<String>]

    /// The executor of Cairn's bulk queries.
    init(schema: GraphQLSchema) {
        self.schema = schema
        let resolver = GraphQLResolver()
        roots = [
            "assetGraph": { try await Self.values(resolver.assetGraph(context: $0, arguments: Self.arguments($1))) },
            "assets": { try await Self.values(resolver.assets(context: $0, arguments: Self.arguments($1))) },
            "runs": { try await Self.values(resolver.runs(context: $0, arguments: Self.arguments($1))) },
            "runEvents": { try await Self.values(resolver.runEvents(context: $0, arguments: Self.arguments($1))) },
            "materializations": {
                try await Self.values(resolver.materializations(context: $0, arguments: Self.arguments($1)))
            },
        ]
        computedFields = ["AssetGraph": ["json"]]
    }

    /// The response to `request`, `{"data": …}`, or `nil` when the library is to execute it.
    func execute(_ request: GraphQLRequest, context: GraphQLContext) async -> String? {
        guard let document = try? parse(source: request.query), validate(schema: schema, ast: document).isEmpty,
            let queryType = schema.queryType
        else { return nil }
        let operations = document.definitions.compactMap { $0 as? OperationDefinition }
        let fragments = Dictionary(
            document.definitions.compactMap { $0 as? FragmentDefinition }.map { ($0.name.value, $0) }
        ) { first, _ in first }
        guard
            let operation = request.operationName.map({ name in operations.first { $0.name?.value == name } })
                ?? (operations.count == 1 ? operations.first : nil),
            operation.operation == .query, operation.directives.isEmpty,
            let variables = coercedVariables(of: operation, given: request.variables)
        else { return nil }
        let selection = QuerySelection(schema: schema, fragments: fragments, variables: variables)
        do {
            let fields = try selection.collect(operation.selectionSet.selections, on: queryType)
            var plans = ObjectPlans(selection: selection, computedFields: computedFields)
            // Every field is checked before any resolver runs.
            var roots: [(key: String, field: GraphQLField?, resolve: RootResolver?, nodes: [Field])] = []
            for (key, fieldNodes) in fields {
                let name = fieldNodes[0].name.value
                guard name != "__typename" else {
                    roots.append((key, nil, nil, fieldNodes))
                    continue
                }
                guard let resolve = self.roots[name], let field = try queryType.fields()[name] else {
                    throw Ineligible()
                }
                try plans.prepare(field.type, fieldNodes: fieldNodes, path: key)
                roots.append((key, field, resolve, fieldNodes))
            }
            var output = JSONText()
            output.append("{\"data\":{")
            for (index, root) in roots.enumerated() {
                if index > 0 { output.append(",") }
                output.appendString(root.key)
                output.append(":")
                guard let field = root.field, let resolve = root.resolve else {
                    output.appendString(queryType.name)
                    continue
                }
                let value = try await resolve(context, try selection.arguments(of: root.nodes[0]))
                try complete(
                    value, type: field.type, fieldNodes: root.nodes, path: root.key, plans: &plans, into: &output)
            }
            output.append("}}")
            return output.text
        } catch {
            return nil
        }
    }

    /// Writes `value` as `type` with the selections of `fieldNodes`, at response path `path`
    /// (response keys without list indices, which names the plan of the objects there).
    private func complete(
        _ value: ResultValue?, type: GraphQLType, fieldNodes: [Field], path: String, plans: inout ObjectPlans,
        into output: inout JSONText
    ) throws {
        if let nonNull = type as? GraphQLNonNull {
            guard let value, !value.isNull else { throw Ineligible() }
            return try complete(
                value, type: nonNull.ofType, fieldNodes: fieldNodes, path: path, plans: &plans, into: &output)
        }
        guard let value, !value.isNull else { return output.append("null") }
        switch (type, value) {
        case (let list as GraphQLList, .list(let items)):
            output.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { output.append(",") }
                try complete(item, type: list.ofType, fieldNodes: fieldNodes, path: path, plans: &plans, into: &output)
            }
            output.append("]")
        case (let object as GraphQLObjectType, .object(let values)):
            let plan = try plans.plan(at: path, of: object, fieldNodes: fieldNodes)
            output.append("{")
            for (index, entry) in plan.entries.enumerated() {
                if index > 0 { output.append(",") }
                output.appendString(entry.key)
                output.append(":")
                guard let field = entry.field else {
                    output.appendString(object.name)
                    continue
                }
                try complete(
                    values[field.name], type: field.type, fieldNodes: field.nodes, path: "\(path).\(entry.key)",
                    plans: &plans, into: &output)
            }
            output.append("}")
        case (let scalar as GraphQLScalarType, _):
            try output.appendScalar(value, named: scalar.name)
        default:
            throw Ineligible()
        }
    }

    /// The request's variables as JSON values, with defaults, when each has a scalar type (or a
    /// list of one) and a value of it; `nil` otherwise.
    private func coercedVariables(of operation: OperationDefinition, given: [String: Map]) -> [String: Any]? {
        var variables: [String: Any] = [:]
        for definition in operation.variableDefinitions {
            let name = definition.variable.name.value
            let value: Any
            if let given = given[name] {
                value = Self.foundationValue(given)
            } else if let defaultValue = definition.defaultValue {
                guard
                    let literal = try? QuerySelection(schema: schema, fragments: [:], variables: [:]).jsonValue(
                        defaultValue)
                else {
                    return nil
                }
                value = literal
            } else {
                value = NSNull()
            }
            guard Self.value(value, fits: definition.type) else { return nil }
            if !(value is NSNull) || given[name] != nil { variables[name] = value }
        }
        return variables
    }

    /// Whether a variable's value fits its declared type, of the built-in scalars only.
    private static func value(_ value: Any, fits type: GraphQL.`Type`) -> Bool {
        switch type {
        case let nonNull as NonNullType:
            return !(value is NSNull) && Self.value(value, fits: nonNull.type)
        case let list as ListType:
            if value is NSNull { return true }
            guard let items = value as? [Any] else { return Self.value(value, fits: list.type) }
            return items.allSatisfy { Self.value($0, fits: list.type) }
        case let named as NamedType:
            if value is NSNull { return true }
            switch named.name.value {
            case "String", "ID": return value is String
            case "Int": return (value as? Int).map { Int(Int32.min)...Int(Int32.max) ~= $0 } ?? false
            case "Float": return value is Double || value is Int
            case "Boolean": return value is Bool
            default: return false
            }
        default:
            return false
        }
    }

    /// A variable's value from the request, as JSON values.
    private static func foundationValue(_ map: Map) -> Any {
        switch map {
        case .undefined, .null: NSNull()
        case .bool(let value): value
        case .number(let number): number.storageType == .int ? number.intValue : number.doubleValue
        case .string(let value): value
        case .array(let items): items.map(foundationValue)
        case .dictionary(let fields):
            Dictionary(fields.map { ($0.key, foundationValue($0.value)) }) { first, _ in first }
        }
    }

    /// A root field's arguments, decoded from JSON.
    private static func arguments<Arguments: Decodable>(_ json: Data) throws -> Arguments {
        try JSONDecoder().decode(Arguments.self, from: json)
    }

    /// A root field's result, as plain values.
    private static func values(_ value: some Encodable) throws -> ResultValue {
        try ResultValueEncoder.encode(value)
    }

    /// Something the library is to execute instead.
    struct Ineligible: Error {}
}
