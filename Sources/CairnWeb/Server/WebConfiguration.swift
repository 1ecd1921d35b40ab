import Foundation
import Prometheus

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// More host names requests may name in `Host` (and their pages in `Origin`), with or without
    /// a port: the names a reverse proxy or DNS gives the server.
    public var allowedHosts: [String]
    /// Where this process's metrics are recorded, which `/metrics` exposes with the instance's.
    public var metricsRegistry: PrometheusCollectorRegistry

    /// The port `dev` and `webserver` listen on unless told otherwise, as Dagster's UI.
    public static let defaultPort = 3000

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = defaultPort, readOnly: Bool = false,
        credentials: WebCredentials? = nil, locationName: String = "cairn", allowedHosts: [String] = [],
        metricsRegistry: PrometheusCollectorRegistry = PrometheusMetricsFactory.defaultRegistry
    ) {
        self.metricsRegistry = metricsRegistry
        self.host = host
        self.port = port
        self.readOnly = readOnly
        self.credentials = credentials
        self.locationName = locationName
        self.allowedHosts = allowedHosts
    }

    /// Whether `host` is reachable only from this machine: `localhost`, `::1`, or an IPv4 address
    /// in 127.0.0.0/8 (four numbers; `127.0.0.1.nip.io` is a name any DNS can point elsewhere).
    public var isLoopback: Bool {
        Self.isLoopback(host)
    }

    /// Whether `name` (a bound host, or the host of a `Host` header) is a loopback address.
    static func isLoopback(_ name: String) -> Bool {
        var name = name.lowercased()
        if name.hasSuffix("."), name.count > 1 { name.removeLast() }
        if name == "localhost" || name == "::1" || name == "[::1]" { return true }
        let bare = name.hasPrefix("[") && name.hasSuffix("]") ? String(name.dropFirst().dropLast()) : name
        if bare.contains(":") {
            // IPv6 written any way: ::1, 0:0:0:0:0:0:0:1, or an IPv4 loopback mapped (::ffff:127.0.0.1).
            var address = in6_addr()
            guard inet_pton(AF_INET6, bare, &address) == 1 else { return false }
            let bytes = withUnsafeBytes(of: &address) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }
            return bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
        }
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
        if allowedHosts.contains(where: {
            $0.lowercased() == hostHeader.lowercased() || $0.lowercased() == name.lowercased()
        }) {
            return true
        }
        guard port == nil || port == servedPort else { return false }
        if isLoopback { return Self.isLoopback(name) }
        if host == "0.0.0.0" || host == "::" { return true }
        return name.lowercased() == host.lowercased() || name.lowercased() == "[\(host.lowercased())]"
    }

    /// Whether a page at `origin` (`http://127.0.0.1:3000`) belongs to this server: the origin of
    /// the request's own `host`, or of an allowed host; `null` never does.
    func accepts(origin: String, host: String) -> Bool {
        for scheme in ["http://", "https://"] where origin.lowercased().hasPrefix(scheme) {
            let authority = String(origin.dropFirst(scheme.count)).lowercased()
            if authority == host.lowercased() { return true }
            let name = Self.split(authority).name
            if allowedHosts.contains(where: { $0.lowercased() == authority || $0.lowercased() == name }) { return true }
        }
        return false
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
