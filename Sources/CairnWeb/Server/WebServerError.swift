/// Why the web server stopped.
public enum WebServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Another process listens on the address.
    case addressInUse(host: String, port: Int)

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .addressInUse(let host, let port):
            "\(host):\(port) is in use by another process (another 'dev' or 'webserver'?); stop it or pass --port"
        }
    }
}
