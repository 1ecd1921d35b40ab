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

    /// Whether `host` is reachable only from this machine: `localhost`, `::1`, or an IPv4 address
    /// in 127.0.0.0/8 (four numbers; `127.0.0.1.nip.io` is a name any DNS can point elsewhere).
    public var isLoopback: Bool {
        Self.isLoopback(host)
    }

    /// Whether `name` (a bound host, or the host of a `Host` header) is a loopback address.
    static func isLoopback(_ name: String) -> Bool {
        let name = name.lowercased()
        if name == "localhost" || name == "::1" || name == "[::1]" { return true }
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127"
            && parts.allSatisfy { part in
                !part.isEmpty && part.count <= 3 && part.allSatisfy(\.isASCII) && part.allSatisfy(\.isNumber)
                    && Int(part)! <= 255
            }
    }

    /// Whether a request's `Host` header names this server: on a loopback binding, a loopback
    /// name with the server's port, so that a page of another site that points its own name at
    /// 127.0.0.1 (DNS rebinding) is refused; on another binding, the bound host with the port, or
    /// any host when the server binds every address (`0.0.0.0`, `::`), whose requests need
    /// credentials anyway.
    ///
    /// - Parameter servedPort: the port the server listens on (the system's choice for port 0).
    func accepts(hostHeader: String, servedPort: Int) -> Bool {
        let (name, port) = Self.split(hostHeader)
        guard port == nil || port == servedPort else { return false }
        if isLoopback { return Self.isLoopback(name) }
        if host == "0.0.0.0" || host == "::" { return true }
        return name.lowercased() == host.lowercased() || name.lowercased() == "[\(host.lowercased())]"
    }

    /// The host and port of a `Host` header (`127.0.0.1:3000`, `[::1]:3000`, `localhost`).
    static func split(_ hostHeader: String) -> (name: String, port: Int?) {
        if hostHeader.hasPrefix("["), let close = hostHeader.firstIndex(of: "]") {
            let name = String(hostHeader[...close])
            let rest = hostHeader[hostHeader.index(after: close)...]
            return (name, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? -1 : rest.isEmpty ? nil : -1)
        }
        guard let colon = hostHeader.lastIndex(of: ":") else { return (hostHeader, nil) }
        return (String(hostHeader[..<colon]), Int(hostHeader[hostHeader.index(after: colon)...]) ?? -1)
    }

    /// Checks the configuration before the server binds.
    ///
    /// - Throws: `WebConfigurationError` for a bad port, or another address than loopback without credentials.
    public func validate() throws(WebConfigurationError) {
        guard (0...65535).contains(port) else { throw .invalidPort(port) }
        if !isLoopback && credentials == nil { throw .credentialsRequired(host: host) }
    }
}
