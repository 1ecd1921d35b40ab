import Foundation
import PostgresNIO

/// Where a PostgreSQL storage lives, from a URL in libpq's form:
/// `postgresql://user[:password]@host[:port]/database[?schema=…&sslmode=…&host=/socket/dir]`.
///
/// The password comes from the URL, else `PGPASSWORD`, else the password file (`PGPASSFILE`, else
/// `~/.pgpass`, in libpq's format). It is never printed: `description` shows the URL without it,
/// and it is never stored in runs or passed to child processes' arguments.
public struct PostgresLocation: Sendable, CustomStringConvertible {
    /// The server's host name or address; `nil` when connecting through a Unix socket.
    public var host: String?
    /// The directory of the server's Unix socket (`?host=/dir`), when connecting through one.
    public var socketDirectory: String?
    /// The server's port.
    public var port: Int
    /// The user to connect as.
    public var user: String
    /// The password, if one was given; never printed.
    var password: String?
    /// The database.
    public var database: String
    /// The schema Cairn's tables are in (`?schema=`); `nil`: the user's default (`public`).
    public var schema: String?
    /// How TLS is used (`?sslmode=`): `disable`, `prefer` (the default), `require` or `verify-full`.
    public var sslMode: String

    /// The URL schemes this storage answers to.
    public static let schemes: Set<String> = ["postgresql", "postgres"]

    /// Whether `text` names a PostgreSQL storage rather than a path.
    public static func isLocation(_ text: String) -> Bool {
        schemes.contains { text.hasPrefix($0 + "://") }
    }

    /// Parses `url`, taking a missing password from `environment` (`PGPASSWORD`, `PGPASSFILE`).
    ///
    /// - Throws: `PostgresStorageError.invalidLocation` saying what is wrong, without the password.
    public init(_ url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard Self.isLocation(url), let components = URLComponents(string: url) else {
            throw PostgresStorageError.invalidLocation(
                Self.redacting(url), reason: "it is not a URL of the form postgresql://user@host:port/database")
        }
        let redacted = Self.redacting(url)
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            guard let value = item.value else { continue }
            query[item.name] = value
        }
        let known: Set<String> = ["schema", "sslmode", "host", "user", "password"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw PostgresStorageError.invalidLocation(
                redacted,
                reason: "it has the parameter '\(unknown)', which Cairn does not know; it knows "
                    + known.sorted().joined(separator: ", "))
        }
        let hostParameter = query["host"]
        if let hostParameter, hostParameter.hasPrefix("/") {
            socketDirectory = hostParameter
            host = nil
        } else {
            socketDirectory = nil
            host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? hostParameter ?? "localhost"
        }
        port = components.port ?? 5432
        guard (1...65535).contains(port) else {
            throw PostgresStorageError.invalidLocation(redacted, reason: "its port \(port) is not between 1 and 65535")
        }
        // URLComponents decodes the user, password and path already: decoding again would turn a
        // password such as 50%off into nothing.
        user =
            components.user.flatMap { $0.isEmpty ? nil : $0 }
            ?? query["user"] ?? environment["PGUSER"] ?? environment["USER"] ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        schema = query["schema"]
        if let schema, !Self.isPlainIdentifier(schema) || schema.utf8.count > 51 || schema == "public" {
            throw PostgresStorageError.invalidLocation(
                redacted,
                reason: "its schema '\(schema)' is not a plain name of Cairn's own: lower-case letters, digits and "
                    + "underscores, starting with a letter or underscore, at most 51, not public (leave schema out "
                    + "to use the default)")
        }
        sslMode = query["sslmode"] ?? "prefer"
        guard ["disable", "prefer", "require", "verify-full"].contains(sslMode) else {
            throw PostgresStorageError.invalidLocation(
                redacted, reason: "its sslmode '\(sslMode)' is not one of disable, prefer, require, verify-full")
        }
        password =
            components.password ?? query["password"]
            ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
            ?? Self.passwordFromFile(
                environment: environment, host: host ?? "localhost", port: port, database: database, user: user)
    }

    /// The URL without its password: what messages and logs show.
    public var description: String {
        var text = "postgresql://\(user)\(password == nil ? "" : ":***")@\(host ?? "")"
        text += ":\(port)/\(database)"
        var parameters: [String] = []
        if let socketDirectory { parameters.append("host=\(socketDirectory)") }
        if let schema { parameters.append("schema=\(schema)") }
        if sslMode != "prefer" { parameters.append("sslmode=\(sslMode)") }
        return parameters.isEmpty ? text : text + "?" + parameters.joined(separator: "&")
    }

    /// The same location in another schema: how tests give each case an empty storage.
    public func inSchema(_ schema: String) -> PostgresLocation {
        var location = self
        location.schema = schema
        return location
    }

    /// Whether `name` is an identifier that needs no quoting: `[a-z_][a-z0-9_]*`, at most 63 bytes.
    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, name.utf8.count <= 63 else { return false }
        let lower = UInt8(ascii: "a")...UInt8(ascii: "z")
        let digit = UInt8(ascii: "0")...UInt8(ascii: "9")
        let underscore = UInt8(ascii: "_")
        return (lower.contains(first) || first == underscore)
            && name.utf8.allSatisfy { lower.contains($0) || digit.contains($0) || $0 == underscore }
    }

    /// The connection settings of the pool and of single connections.
    var clientConfiguration: PostgresClient.Configuration {
        var configuration: PostgresClient.Configuration
        if let socketDirectory {
            configuration = PostgresClient.Configuration(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            configuration = PostgresClient.Configuration(
                host: host ?? "localhost", port: port, username: user, password: password, database: database,
                tls: tls)
        }
        configuration.options.additionalStartupParameters = startupParameters
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.maximumConnections = 16
        return configuration
    }

    /// The settings of one connection outside the pool.
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var configuration: PostgresConnection.Configuration
        if let socketDirectory {
            configuration = PostgresConnection.Configuration(
                unixSocketPath: socketDirectory + "/.s.PGSQL.\(port)", username: user, password: password,
                database: database)
        } else {
            configuration = PostgresConnection.Configuration(
                host: host ?? "localhost", port: port, username: user, password: password, database: database,
                tls: try connectionTLS())
        }
        configuration.options.additionalStartupParameters = startupParameters
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    /// The settings of every connection: the schema, and a bound on a transaction left open by a
    /// client that stopped answering (a process paused or cut off mid-transaction), which the server
    /// then ends, releasing its locks, after 10 s.
    private var startupParameters: [(String, String)] {
        var parameters = [("idle_in_transaction_session_timeout", "10000")]
        if let schema { parameters.append(("search_path", "\"\(schema)\"")) }
        return parameters
    }

    /// TLS as `sslMode` asks, for the pool: `prefer` and `require` do not verify the certificate,
    /// as libpq's do not; `verify-full` does.
    private var tls: PostgresClient.Configuration.TLS {
        switch sslMode {
        case "disable": .disable
        case "require": .require(Self.tlsConfiguration(verifying: false))
        case "verify-full": .require(Self.tlsConfiguration(verifying: true))
        default: .prefer(Self.tlsConfiguration(verifying: false))
        }
    }

    /// TLS as `sslMode` asks, for a single connection.
    private func connectionTLS() throws -> PostgresConnection.Configuration.TLS {
        switch sslMode {
        case "disable": .disable
        case "require": .require(try NIOSSLContext(configuration: Self.tlsConfiguration(verifying: false)))
        case "verify-full": .require(try NIOSSLContext(configuration: Self.tlsConfiguration(verifying: true)))
        default: .prefer(try NIOSSLContext(configuration: Self.tlsConfiguration(verifying: false)))
        }
    }

    private static func tlsConfiguration(verifying: Bool) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !verifying { configuration.certificateVerification = .none }
        return configuration
    }

    /// `url` with any password replaced by `***`: the credentials' part after the last `@` before
    /// the path, and every `password=` parameter.
    static func redacting(_ url: String) -> String {
        var text = url.replacingOccurrences(of: #"password=[^&]*"#, with: "password=***", options: .regularExpression)
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authority = rest[..<(rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex)]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else {
            return text
        }
        text.replaceSubrange(colon..<at, with: ":***")
        return text
    }

    /// The password of the first matching line of the password file, as libpq reads it:
    /// `host:port:database:user:password`, `*` matching anything, `\:` and `\\` escaped.
    static func passwordFromFile(
        environment: [String: String], host: String, port: Int, database: String, user: String
    ) -> String? {
        let path =
            environment["PGPASSFILE"]
            ?? environment["HOME"].map { $0 + "/.pgpass" }
        guard let path, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            var fields: [String] = []
            var field = ""
            var escaped = false
            for character in line {
                if escaped {
                    field.append(character)
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == ":" && fields.count < 4 {
                    fields.append(field)
                    field = ""
                } else {
                    field.append(character)
                }
            }
            fields.append(field)
            guard fields.count == 5 else { continue }
            let wanted = [host, String(port), database, user]
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return fields[4] }
        }
        return nil
    }
}
