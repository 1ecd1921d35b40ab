/// Why the web server cannot start as configured.
public enum WebConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A non-loopback address without credentials.
    case credentialsRequired(host: String)
    /// Some of the credential variables are set, not all.
    case incompleteCredentials(missing: String)
    /// A token shorter than 16 characters or a password shorter than 8.
    case weakCredentials
    /// The port is out of range.
    case invalidPort(Int)

    /// What is wrong and how to fix it.
    public var description: String {
        switch self {
        case .credentialsRequired(let host):
            "binding \(host) makes the UI and the API reachable from other machines, which needs credentials: set "
                + "\(WebCredentials.tokenVariable) (the API's bearer token, 16+ characters) and "
                + "\(WebCredentials.passwordVariable) (the pages' login, 8+ characters; user "
                + "\(WebCredentials.userVariable), default 'admin'), or bind 127.0.0.1"
        case .incompleteCredentials(let missing):
            "credentials are configured only in part: set \(missing) too (\(WebCredentials.tokenVariable) for the API, "
                + "\(WebCredentials.passwordVariable) for the pages)"
        case .weakCredentials:
            "\(WebCredentials.tokenVariable) needs at least 16 characters and \(WebCredentials.passwordVariable) at least 8"
        case .invalidPort(let port): "the port \(port) is not between 0 and 65535"
        }
    }
}
