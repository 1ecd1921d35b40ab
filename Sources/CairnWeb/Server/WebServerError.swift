/// Why the web server stopped.
public enum WebServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process listens on the address.
    case addressInUse(host: String, port: Int)
    /// Another process listens on the address `daemon --metrics-port` asked for.
    case metricsAddressInUse(host: String, port: Int)

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .addressInUse(let host, let port):
            "\(host):\(port) is in use by another process (another 'dev' or 'webserver'?); stop it or pass --port"
        case .metricsAddressInUse(let host, let port):
            "\(host):\(port) is in use by another process (another daemon's metrics?); stop it or pass another "
                + "--metrics-port (0 picks a free one)"
        }
    }
}
