import ArgumentParser
import CairnWeb

/// `schema`: the GraphQL API's schema in SDL, for clients and code generators.
struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema", abstract: "Print the GraphQL schema of the API at /graphql, in SDL.")

    func run() throws {
        print(try CairnGraphQL.sdl())
    }
}
