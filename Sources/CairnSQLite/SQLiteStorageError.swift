import Cairn

/// Why a SQLite database could not be opened or read, with the path and how to fix it.
public enum SQLiteStorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The directory that should hold the database file could not be created.
    case cannotCreateDirectory(directory: String, reason: String)
    /// The file could not be opened as a database, or its schema could not be migrated.
    case cannotOpen(path: String, reason: String)
    /// The database was written by a newer version of Cairn, which applied this unknown migration.
    case newerDatabase(path: String, migration: String)
    /// A stored value could not be read back.
    case unreadable(path: String, detail: String)
    /// A backup would overwrite a file that exists.
    case backupExists(path: String)

    /// What went wrong, and what to do about it.
    public var description: String {
        switch self {
        case .cannotCreateDirectory(let directory, let reason):
            "cannot create the directory '\(directory)' for the Cairn database: \(reason); "
                + "choose a path in a writable directory"
        case .cannotOpen(let path, let reason):
            "cannot open the Cairn database '\(path)': \(reason)"
        case .newerDatabase(let path, let migration):
            "the Cairn database '\(path)' was written by a newer version of Cairn "
                + "(migration \(migration)); upgrade Cairn to open it"
        case .unreadable(let path, let detail):
            "cannot read the Cairn database '\(path)': \(detail)"
        case .backupExists(let path):
            "'\(path)' exists already; a backup never overwrites a file, so name a new one"
        }
    }
}

extension SQLiteStorageError: UserError {
    /// `conflict` for a backup over an existing file, else `invalid`: the home must be fixed.
    public var kind: UserErrorKind {
        if case .backupExists = self { return .conflict }
        return .invalid
    }
}
