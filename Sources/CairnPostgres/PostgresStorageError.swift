import Cairn
import PostgresNIO

/// What can go wrong with a PostgreSQL storage, in words that say what to do. No message ever
/// holds the password.
public enum PostgresStorageError: Error, Sendable, CustomStringConvertible {
    /// The storage URL cannot be used.
    case invalidLocation(String, reason: String)
    /// The server could not be reached or refused the connection.
    case cannotConnect(String, reason: String)
    /// The database's schema was migrated by a newer Cairn.
    case newerDatabase(String, migration: String)
    /// The server refused a statement.
    case query(String, reason: String)
    /// A stored value cannot be read by this version of Cairn.
    case unreadable(String, detail: String)
    /// An asset's value cannot be stored as a table, whatever the server.
    case unstorable(AssetKey, reason: String)

    /// What went wrong.
    public var description: String {
        switch self {
        case .invalidLocation(let location, let reason):
            "cannot use the storage '\(location)': \(reason)"
        case .cannotConnect(let location, let reason):
            "cannot connect to \(location): \(reason); is the server running, and does it accept this user "
                + "(password from the URL, PGPASSWORD or ~/.pgpass)?"
        case .newerDatabase(let location, let migration):
            "\(location) was migrated by a newer version of Cairn (migration '\(migration)'); upgrade Cairn "
                + "to use it"
        case .query(let location, let reason):
            "PostgreSQL at \(location) refused a statement: \(reason)"
        case .unreadable(let location, let detail):
            "cannot read \(location): \(detail)"
        case .unstorable(let key, let reason):
            "cannot store \(key) as a PostgreSQL table: \(reason)"
        }
    }

    /// The server's own words for `error`, with its SQLSTATE, or the client's when the server said nothing.
    static func reason(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return "\(error)" }
        if let message = error.serverInfo?[.message] {
            let detail = error.serverInfo?[.detail].map { " (\($0))" } ?? ""
            return message + detail + (error.serverInfo?[.sqlState].map { " [SQLSTATE \($0)]" } ?? "")
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }
}
