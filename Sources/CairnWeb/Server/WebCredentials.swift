import Foundation

/// The credentials a server bound to another address than loopback requires: a bearer token for
/// the API and a user and password for the pages, read from the environment.
public struct WebCredentials: Sendable, Equatable {
    /// The environment variable holding the API's bearer token.
    public static let tokenVariable = "CAIRN_WEB_TOKEN"
    /// The environment variable holding the user name of the pages' login (default `admin`).
    public static let userVariable = "CAIRN_WEB_USER"
    /// The environment variable holding the password of the pages' login.
    public static let passwordVariable = "CAIRN_WEB_PASSWORD"

    /// What `Authorization: Bearer …` must carry.
    public let token: String
    /// The login's user name.
    public let user: String
    /// The login's password.
    public let password: String

    /// Credentials given directly.
    public init(token: String, user: String, password: String) {
        self.token = token
        self.user = user
        self.password = password
    }

    /// The credentials configured in `environment`: `nil` when none of the variables is set.
    ///
    /// - Throws: `WebConfigurationError.incompleteCredentials` when only some are set, or a value
    ///   is too short to be a credential.
    public init?(environment: [String: String]) throws(WebConfigurationError) {
        let token = environment[Self.tokenVariable].flatMap { $0.isEmpty ? nil : $0 }
        let password = environment[Self.passwordVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard token != nil || password != nil else { return nil }
        guard let token, let password else {
            throw .incompleteCredentials(missing: token == nil ? Self.tokenVariable : Self.passwordVariable)
        }
        guard token.count >= 16, password.count >= 8 else { throw .weakCredentials }
        self.init(token: token, user: environment[Self.userVariable] ?? "admin", password: password)
    }

    /// Whether `presented` equals `expected`, compared in time independent of where they differ.
    static func constantTimeEquals(_ presented: String, _ expected: String) -> Bool {
        let a = Array(presented.utf8)
        let b = Array(expected.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}
