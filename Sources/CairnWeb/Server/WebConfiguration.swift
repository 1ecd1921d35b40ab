/// Where and how the web server listens.
public struct WebConfiguration: Sendable {
    /// The address to bind: `127.0.0.1` by default; any other needs `credentials`.
    public var host: String
    /// The port; 0 picks a free one.
    public var port: Int
    /// Refuse every change: no runs launched, nothing started or stopped.
    public var readOnly: Bool
    /// Required to bind another address than loopback.
    public var credentials: WebCredentials?
    /// The code location's name, shown in the header.
    public var locationName: String

    /// The port `dev` and `webserver` listen on unless told otherwise, as Dagster's UI.
    public static let defaultPort = 3000

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = defaultPort, readOnly: Bool = false,
        credentials: WebCredentials? = nil, locationName: String = "cairn"
    ) {
        self.host = host
        self.port = port
        self.readOnly = readOnly
        self.credentials = credentials
        self.locationName = locationName
    }

    /// Whether `host` is reachable only from this machine.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Checks the configuration before the server binds.
    ///
    /// - Throws: `WebConfigurationError` for a bad port, or another address than loopback without credentials.
    public func validate() throws(WebConfigurationError) {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        if !isLoopback && credentials == nil { throw .credentialsRequired(host: host) }
    }
}
