import GraphQL

/// What to write of the objects at each response path of a request: their fields, collected once
/// for every item of a list instead of once per item.
struct ObjectPlans {
    /// What to write of an object: each response key with its field, or its type's name.
    struct Plan {
        struct Entry {
            let key: String
            /// `nil`: `__typename`.
            let field: Field?
        }

        struct Field {
            let name: String
            let type: GraphQLOutputType
            let nodes: [GraphQL.Field]
        }

        let entries: [Entry]
    }

    /// The request's fragments and variables.
    let selection: QuerySelection
    /// Fields computed by a function, by type, which the direct executor leaves to the library.
    let computedFields: [String: Set<String>]
    private var plans: [String: Plan] = [:]

    init(selection: QuerySelection, computedFields: [String: Set<String>]) {
        self.selection = selection
        self.computedFields = computedFields
    }

    /// Makes the plans of every object a field of `type` selected by `fieldNodes` at `path` can
    /// hold, before any resolver runs, so that a request the direct executor cannot complete is
    /// known before anything is computed.
    ///
    /// - Throws: `DirectQueryExecutor.Ineligible` for a computed field, a field with arguments,
    ///   or a type other than an object type or a built-in scalar.
    mutating func prepare(_ type: GraphQLType, fieldNodes: [GraphQL.Field], path: String) throws {
        switch type {
        case let nonNull as GraphQLNonNull: try prepare(nonNull.ofType, fieldNodes: fieldNodes, path: path)
        case let list as GraphQLList: try prepare(list.ofType, fieldNodes: fieldNodes, path: path)
        case let object as GraphQLObjectType:
            for entry in try plan(at: path, of: object, fieldNodes: fieldNodes).entries {
                guard let field = entry.field else { continue }
                try prepare(field.type, fieldNodes: field.nodes, path: "\(path).\(entry.key)")
            }
        case let scalar as GraphQLScalarType where ["String", "ID", "Int", "Float", "Boolean"].contains(scalar.name):
            break
        default:
            throw DirectQueryExecutor.Ineligible()
        }
    }

    /// The plan of the objects of `type` at `path`, selected by `fieldNodes`.
    ///
    /// - Throws: `DirectQueryExecutor.Ineligible` for a computed field or one with arguments.
    mutating func plan(at path: String, of type: GraphQLObjectType, fieldNodes: [GraphQL.Field]) throws -> Plan {
        if let plan = plans[path] { return plan }
        let definitions = try type.fields()
        let computed = computedFields[type.name] ?? []
        let collected = try selection.collect(fieldNodes.flatMap { $0.selectionSet?.selections ?? [] }, on: type)
        let plan = Plan(
            entries: try collected.map { key, nodes in
                let name = nodes[0].name.value
                if name == "__typename" { return Plan.Entry(key: key, field: nil) }
                guard !computed.contains(name), let field = definitions[name], field.args.isEmpty else {
                    throw DirectQueryExecutor.Ineligible()
                }
                return Plan.Entry(key: key, field: Plan.Field(name: name, type: field.type, nodes: nodes))
            })
        plans[path] = plan
        return plan
    }
}
