import Synchronization

/// The login sessions of a server with credentials, in memory: a restart logs everyone out.
final class WebSessions: Sendable {
    /// The name of the cookie holding a session's token.
    static let cookieName = "cairn_session"

    private let tokens = Mutex<Set<String>>([])

    /// A new session's token.
    func open() -> String {
        let token = RandomToken.make()
        tokens.withLock { _ = $0.insert(token) }
        return token
    }

    /// Whether `token` is an open session.
    func contains(_ token: String) -> Bool {
        tokens.withLock { $0.contains(token) }
    }

    /// Ends a session.
    func close(_ token: String) {
        tokens.withLock { _ = $0.remove(token) }
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
