import Foundation
import GRDB

extension SQLiteStorage {
    /// Moves every change from the write-ahead log (`cairn.sqlite-wal`) into the database file and
    /// empties the log, so that `cairn.sqlite` alone holds everything: what a process does as it
    /// ends cleanly. It waits at most 100 ms for other processes' readers and writers (a daemon,
    /// the web UI, a backup); when they hold on, it throws and the log stays for SQLite to move later.
    public func checkpoint() throws {
        _ = try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA busy_timeout = 100")
            return try db.checkpoint(.truncate)
        }
    }

    /// Writes a consistent copy of the database to `path` while other processes go on reading and
    /// writing (`VACUUM INTO`): the safe way to back up a home, unlike copying `cairn.sqlite`,
    /// which misses what is still in its write-ahead log.
    ///
    /// - Throws: when `path` exists already, or cannot be written.
    public func backup(to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw SQLiteStorageError.backupExists(path: path)
        }
        try pool.unsafeRead { db in try db.execute(sql: "VACUUM INTO ?", arguments: [path]) }
    }
}
