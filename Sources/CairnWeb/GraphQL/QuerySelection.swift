import Foundation
import GraphQL

/// The fields a selection selects on an object type, as GraphQL's CollectFields does: fragments
/// and inline fragments whose type condition applies, `@skip` and `@include`, fields of the same
/// response key merged, in order. Arguments and literals become JSON values, variables included.
struct QuerySelection {
    /// The schema, to tell an object type's name from an interface's.
    let schema: GraphQLSchema
    /// The document's fragments, by name.
    let fragments: [String: FragmentDefinition]
    /// The operation's variables, as JSON values; an absent one was not given.
    let variables: [String: Any]

    /// The fields `selections` select on `type`, by response key (alias or name), in order.
    ///
    /// - Throws: `DirectQueryExecutor.Ineligible` for a directive other than `@skip`/`@include`,
    ///   or a type condition naming an interface or union.
    func collect(_ selections: [any Selection], on type: GraphQLObjectType) throws -> [(String, [Field])] {
        var keys: [String] = []
        var fields: [String: [Field]] = [:]
        var visited: Set<String> = []
        func visit(_ selections: [any Selection]) throws {
            for selection in selections {
                switch selection {
                case let field as Field:
                    guard try included(field.directives) else { continue }
                    let key = field.alias?.value ?? field.name.value
                    if fields[key] == nil { keys.append(key) }
                    fields[key, default: []].append(field)
                case let inline as InlineFragment:
                    guard try included(inline.directives), try applies(inline.typeCondition, to: type) else { continue }
                    try visit(inline.selectionSet.selections)
                case let spread as FragmentSpread:
                    let name = spread.name.value
                    guard try included(spread.directives), !visited.contains(name), let fragment = fragments[name],
                        try applies(fragment.typeCondition, to: type)
                    else { continue }
                    visited.insert(name)
                    try visit(fragment.selectionSet.selections)
                default:
                    throw DirectQueryExecutor.Ineligible()
                }
            }
        }
        try visit(selections)
        return keys.map { ($0, fields[$0] ?? []) }
    }

    /// A field's arguments as a JSON object; an argument given as a variable that was not given is left out.
    func arguments(of field: Field) throws -> Data {
        var arguments: [String: Any] = [:]
        for argument in field.arguments {
            if let variable = argument.value as? Variable, variables[variable.name.value] == nil { continue }
            arguments[argument.name.value] = try jsonValue(argument.value)
        }
        return try JSONSerialization.data(withJSONObject: arguments)
    }

    /// A literal or variable as a JSON value.
    func jsonValue(_ value: any Value) throws -> Any {
        switch value {
        case let variable as Variable: variables[variable.name.value] ?? NSNull()
        case let int as IntValue: try Int(int.value) ?? { throw DirectQueryExecutor.Ineligible() }()
        case let float as FloatValue: try Double(float.value) ?? { throw DirectQueryExecutor.Ineligible() }()
        case let string as StringValue: string.value
        case let boolean as BooleanValue: boolean.value
        case is NullValue: NSNull()
        case let list as ListValue: try list.values.map(jsonValue)
        case let object as ObjectValue:
            try Dictionary(object.fields.map { ($0.name.value, try jsonValue($0.value)) }) { first, _ in first }
        default: throw DirectQueryExecutor.Ineligible()
        }
    }

    /// Whether `@skip` and `@include` keep a selection.
    private func included(_ directives: [Directive]) throws -> Bool {
        for directive in directives {
            guard ["skip", "include"].contains(directive.name.value), directive.arguments.count == 1,
                directive.arguments[0].name.value == "if",
                let condition = try jsonValue(directive.arguments[0].value) as? Bool
            else { throw DirectQueryExecutor.Ineligible() }
            if condition == (directive.name.value == "skip") { return false }
        }
        return true
    }

    /// Whether a fragment with this type condition applies to an object of `type`.
    private func applies(_ condition: NamedType?, to type: GraphQLObjectType) throws -> Bool {
        guard let name = condition?.name.value, name != type.name else { return true }
        guard schema.getType(name: name) is GraphQLObjectType else { throw DirectQueryExecutor.Ineligible() }
        return false
    }
}
