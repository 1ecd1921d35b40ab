import ArgumentParser
import CairnWeb
import Foundation

/// The options of `webserver` and `dev` for the web UI and the GraphQL API.
struct WebOptions: ParsableArguments {
    @Option(name: .long, help: "The address the UI listens on; another than 127.0.0.1 needs credentials.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "The port the UI listens on; 0 picks a free one.")
    var port = WebConfiguration.defaultPort

    @Flag(name: .long, help: "Refuse every change through the UI and the API: launches, re-executions, toggles.")
    var readOnly = false

    @Option(
        name: .long,
        help:
            "Another host name requests may name (the one a reverse proxy or DNS gives the server); repeat for several."
    )
    var allowedHost: [String] = []

    func validate() throws {
        guard (0...65535).contains(port) else {
            throw ValidationError("--port must be between 0 and 65535, got \(port)")
        }
    }

    /// The server's configuration, with credentials from the environment.
    func configuration(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> WebConfiguration {
        do {
            let configuration = WebConfiguration(
                host: host, port: port, readOnly: readOnly, credentials: try WebCredentials(environment: environment),
                locationName: CairnCommand.configuration.commandName ?? "cairn", allowedHosts: allowedHost)
            try configuration.validate()
            return configuration
        } catch {
            throw fail(error.description)
        }
    }
}
