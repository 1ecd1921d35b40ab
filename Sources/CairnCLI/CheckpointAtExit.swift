import CairnSQLite
import Foundation
import Synchronization

/// Checkpoints the SQLite storages a command opened when the process exits, however the command
/// ends (returning, or `exit` with its status), so that `cairn.sqlite` alone holds every change
/// and no `-wal` file is left behind with the last runs in it.
enum CheckpointAtExit {
    private static let storages = Mutex<[SQLiteStorage]>([])

    /// Checkpoints `storage` when the process exits.
    static func register(_ storage: SQLiteStorage) {
        let isFirst = storages.withLock { storages in
            storages.append(storage)
            return storages.count == 1
        }
        if isFirst { atexit { CheckpointAtExit.checkpointAll() } }
    }

    /// Checkpoints every registered storage; a failure (another process writing) leaves the log
    /// for SQLite to checkpoint later.
    private static func checkpointAll() {
        for storage in storages.withLock({ $0 }) { try? storage.checkpoint() }
    }
}
