import ArgumentParser
import Cairn
import CairnPostgres
import CairnSQLite
import Foundation
import Synchronization

/// The `--home` and `--storage` options shared by commands that read or write state.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: "The Cairn home directory (default: $CAIRN_HOME, else .cairn).")
    var home: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where runs and events are kept: a PostgreSQL URL that several hosts share "
                + "(postgresql://user@host:5432/db[?schema=name]; the password from PGPASSWORD or ~/.pgpass), "
                + "or an SQLite file (default: $\(StorageChoice.environmentVariable), else the home's cairn.sqlite).",
            valueName: "url"))
    var storage: String?

    /// The chosen home.
    var cairnHome: CairnHome { CairnHome(path: home) }

    /// The chosen storage: `--storage`, else `$CAIRN_STORAGE`, else the home's SQLite file.
    func storageChoice() throws -> StorageChoice {
        do {
            return try StorageChoice(storage, home: cairnHome)
        } catch {
            throw fail("\(error)")
        }
    }

    /// Opens the chosen storage, creating or migrating it on first use. A `--storage` given on the
    /// command line is passed on to the run workers this process starts, through the environment,
    /// where no other user sees a password it may hold.
    func openStorage() async throws -> any InstanceStorage {
        let choice = try storageChoice()
        if let storage { setenv(StorageChoice.environmentVariable, storage, 1) }
        do {
            return try await OpenStorages.open(choice)
        } catch let error as PostgresStorageError {
            throw fail(error.description)
        }
    }

    /// Opens the home's SQLite storage, for what only SQLite does (backups, vacuum); a PostgreSQL
    /// storage is refused with what to use instead.
    func openSQLiteStorage(for purpose: String, instead: String) async throws -> SQLiteStorage {
        guard let storage = try await openStorage() as? SQLiteStorage else {
            throw fail("\(purpose) works on SQLite storage only; on PostgreSQL, \(instead)")
        }
        return storage
    }

    /// The operations of the code location on `storage`, with runs executed here storing values
    /// as JSON files in the home.
    func operations(on storage: any InstanceStorage) -> InstanceOperations {
        InstanceOperations(
            definitions: CodeLocation.definitions, storage: storage,
            defaultIOManager: JSONFileIOManager(directory: cairnHome.storageDirectory), launchedBy: "cli")
    }

    /// The operations of the code location on the chosen storage, opened now.
    func operations() async throws -> InstanceOperations {
        operations(on: try await openStorage())
    }
}

/// The storages this process opened, one per location: commands that open the storage twice
/// share one SQLite connection pool or one PostgreSQL connection pool.
enum OpenStorages {
    private static let opened = Mutex<[String: any InstanceStorage]>([:])

    /// The storage of `choice`, opened once per process.
    static func open(_ choice: StorageChoice) async throws -> any InstanceStorage {
        if let storage = opened.withLock({ $0[choice.key] }) { return storage }
        let storage: any InstanceStorage
        switch choice {
        case .sqlite(let path):
            let sqlite = try SQLiteStorage(path: path)
            CheckpointAtExit.register(sqlite)
            storage = sqlite
        case .postgres(let location):
            storage = try await PostgresStorage.open(location)
        }
        return opened.withLock { opened in
            if let existing = opened[choice.key] { return existing }
            opened[choice.key] = storage
            return storage
        }
    }
}
