import ArgumentParser
import Cairn
import CairnSQLite

/// The `--home` option shared by commands that read or write state.
struct HomeOptions: ParsableArguments {
    @Option(name: .long, help: "The Cairn home directory (default: $CAIRN_HOME, else .cairn).")
    var home: String?

    /// The chosen home.
    var cairnHome: CairnHome { CairnHome(path: home) }

    /// Opens the SQLite storage of the home, creating it on first use.
    func openStorage() throws -> SQLiteStorage {
        let storage = try SQLiteStorage(path: cairnHome.databasePath)
        CheckpointAtExit.register(storage)
        return storage
    }

    /// The operations of the code location on the home's storage, with runs executed here storing
    /// values as JSON files in the home.
    func operations(on storage: SQLiteStorage) -> InstanceOperations {
        InstanceOperations(
            definitions: CodeLocation.definitions, storage: storage,
            defaultIOManager: JSONFileIOManager(directory: cairnHome.storageDirectory), launchedBy: "cli")
    }

    /// The operations of the code location on the home's storage, opened now.
    func operations() throws -> InstanceOperations {
        operations(on: try openStorage())
    }
}
