import Cairn
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// A server of `/metrics` alone, for a process without the web UI: `daemon --metrics-port`.
public struct MetricsServer: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public var description: String { "metrics" }

    /// What `/metrics` answers.
    public let exposition: MetricsExposition
    /// The address to listen on.
    public let host: String
    /// The port to listen on; 0 picks a free one.
    public let port: Int
    private let logger: Logger
    private let onListening: @Sendable (String) -> Void

    /// Creates the server; it binds when run.
    public init(
        exposition: MetricsExposition, host: String = "127.0.0.1", port: Int, logger: Logger,
        onListening: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.exposition = exposition
        self.host = host
        self.port = port
        self.logger = logger
        self.onListening = onListening
    }

    /// Serves until the service group shuts down gracefully.
    public func run() async throws {
        let router = Router()
        let exposition = exposition
        router.get("/metrics") { _, _ in try await Self.response(exposition) }
        try await exposition.start()
        let onListening = onListening
        let host = host
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in onListening("http://\(host):\(channel.localAddress?.port ?? 0)/metrics") },
            logger: logger)
        do {
            try await app.run()
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw WebServerError.metricsAddressInUse(host: host, port: port)
        }
    }

    /// The response to a scrape.
    static func response(_ exposition: MetricsExposition) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: MetricsExposition.contentType],
            body: .init(byteBuffer: ByteBuffer(string: try await exposition.text())))
    }
}
