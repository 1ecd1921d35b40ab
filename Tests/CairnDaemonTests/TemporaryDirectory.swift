import CairnSQLite
import Foundation

/// A directory for one test's SQLite files, removed by `remove()`.
struct TemporaryDirectory {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-daemon-\(UUID())")

    /// Opens (another connection to) the SQLite storage in the directory.
    func storage() throws -> SQLiteStorage {
        try SQLiteStorage(path: url.appendingPathComponent("cairn.sqlite").path)
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
