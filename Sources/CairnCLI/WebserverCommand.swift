import ArgumentParser
import Cairn
import CairnWeb
import Foundation
import Logging
import ServiceLifecycle

/// `webserver`: the web UI and the GraphQL API alone, for a deployment where `daemon` runs
/// elsewhere on the same storage.
struct WebserverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webserver",
        abstract: "Serve the web UI and the GraphQL API until Ctrl-C.",
        discussion: """
            Runs launched from the UI are queued: a 'daemon' on the same Cairn home launches them. \
            'dev' runs both in one process. Binding another address than 127.0.0.1 needs \
            CAIRN_WEB_TOKEN (the API's bearer token) and CAIRN_WEB_PASSWORD (the pages' login) in the environment.
            """)

    @OptionGroup var web: WebOptions

    @OptionGroup var options: HomeOptions

    func run() async throws {
        _ = try validatedGraph()
        let storage = try await options.openStorage()
        let logger = WebServer.quietLogger
        let server = try WebServer(
            definitions: CodeLocation.definitions, storage: storage, configuration: try web.configuration(),
            logger: logger, onListening: { print("Cairn UI: \($0)") })
        try await ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger).run()
        print("Cairn webserver stopped.")
    }
}
