import Cairn
import Foundation
import Graphiti
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// Cairn's web UI and GraphQL API as a `Service`: `dev` runs it beside the daemon's services,
/// `webserver` alone.
///
/// ```swift
/// let server = try WebServer(
///     definitions: definitions, storage: storage, configuration: WebConfiguration(port: 3000),
///     onListening: { url in print("Cairn UI: \(url)") })
/// try await ServiceGroup(services: [server], logger: logger).run()
/// ```
public struct WebServer: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public var description: String { "web" }

    /// Where and how the server listens.
    public let configuration: WebConfiguration
    private let site: WebSite
    private let graphQLSchema: Schema<GraphQLResolver, GraphQLContext>
    private let metrics: MetricsExposition
    private let logger: Logger
    private let onListening: @Sendable (String) -> Void

    /// A logger that reports warnings and errors only: `onListening` says where the server listens.
    public static var quietLogger: Logger {
        var logger = Logger(label: "cairn.web")
        logger.logLevel = .warning
        return logger
    }

    /// Creates the server; it binds when run.
    ///
    /// - Parameters:
    ///   - runsQueued: called once runs were queued, so that a run queue of this process launches them at once.
    ///   - onListening: called with the server's address (`http://127.0.0.1:3000`) once it accepts connections.
    /// - Throws: `WebConfigurationError` for a configuration that must not start, `DefinitionsError`
    ///   for invalid definitions.
    public init(
        definitions: Definitions, storage: any InstanceStorage, runsQueued: @escaping @Sendable () -> Void = {},
        configuration: WebConfiguration, logger: Logger = Logger(label: "cairn.web"),
        now: @escaping @Sendable () -> Date = { Date() }, onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        try configuration.validate()
        self.configuration = configuration
        self.site = try WebSite.make(
            definitions: definitions, storage: storage, runsQueued: runsQueued, configuration: configuration, now: now)
        self.graphQLSchema = try CairnGraphQL.schema()
        self.metrics = MetricsExposition(storage: storage, registry: configuration.metricsRegistry, now: now)
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the service group shuts down gracefully.
    public func run() async throws {
        // HEAD is answered as GET is, without the body.
        let router = Router(context: WebRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(
            middleware: HTTPMetricsMiddleware(
                factory: PrometheusMetrics.factory(registry: configuration.metricsRegistry)))
        router.add(middleware: SecurityMiddleware(site: site))
        WebRoutes(site: site, graphQL: GraphQLEndpoint(site: site, schema: graphQLSchema)).register(on: router)
        let metrics = metrics
        router.get("/metrics") { _, _ in try await MetricsServer.response(metrics) }
        try await metrics.start()
        let onListening = self.onListening
        let host = configuration.host
        let boundPort = site.boundPort
        let app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                boundPort.set(port)
                let shownHost = host.contains(":") ? "[\(host)]" : host
                onListening("http://\(shownHost):\(port)")
            }, logger: logger)
        do {
            try await app.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw WebServerError.addressInUse(host: host, port: configuration.port)
        }
    }
}
