import Synchronization

/// The login sessions of a server with credentials, in memory: a restart logs everyone out. Each
/// session has a CSRF token of its own, which its pages carry and its changes must send back.
final class WebSessions: Sendable {
    /// The name of the cookie holding a session's token.
    static let cookieName = "cairn_session"

    /// The CSRF token of each open session, by session token.
    private let csrfTokens = Mutex<[String: String]>([:])

    /// A new session's token.
    func open() -> String {
        let token = RandomToken.make()
        csrfTokens.withLock { $0[token] = RandomToken.make() }
        return token
    }

    /// Whether `token` is an open session.
    func contains(_ token: String) -> Bool {
        csrfTokens.withLock { $0[token] != nil }
    }

    /// The CSRF token of the open session `token`, `nil` when it is not open.
    func csrfToken(of token: String) -> String? {
        csrfTokens.withLock { $0[token] }
    }

    /// Ends a session.
    func close(_ token: String) {
        _ = csrfTokens.withLock { $0.removeValue(forKey: token) }
    }
}

/// 32 random bytes as hex, from the system's generator.
enum RandomToken {
    static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<4).map { _ in
            let value = generator.next() as UInt64
            let hex = String(value, radix: 16)
            return String(repeating: "0", count: 16 - hex.count) + hex
        }.joined()
    }
}

/// The CSRF token of the request being answered, set by `SecurityMiddleware` and read through
/// `WebSite.csrfToken`.
enum RequestCSRF {
    /// The token, `nil` outside a request: the server's own then.
    @TaskLocal static var token: String?
}
