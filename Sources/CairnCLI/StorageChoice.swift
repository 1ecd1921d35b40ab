import Cairn
import CairnPostgres
import Foundation

/// Which storage a command uses: the home's SQLite file (the default), another SQLite file, or a
/// PostgreSQL database that several hosts share.
enum StorageChoice: CustomStringConvertible {
    /// An SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database.
    case postgres(PostgresLocation)

    /// The environment variable that chooses the storage when `--storage` is not given.
    static let environmentVariable = "CAIRN_STORAGE"

    /// `option` if given, else `$CAIRN_STORAGE`, else the SQLite file of `home`.
    ///
    /// - Throws: `PostgresStorageError.invalidLocation` for a PostgreSQL URL that cannot be used.
    init(
        _ option: String?, home: CairnHome, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws {
        let chosen = option ?? environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 }
        guard let chosen else {
            self = .sqlite(path: home.databasePath)
            return
        }
        if PostgresLocation.isLocation(chosen) {
            self = .postgres(try PostgresLocation(chosen, environment: environment))
        } else {
            let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
            self = .sqlite(path: URL(fileURLWithPath: chosen, relativeTo: base).standardizedFileURL.path)
        }
    }

    /// What the storage is, for messages: a path, or a URL without its password.
    var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let location): location.description
        }
    }

    /// One key per storage, whatever the spelling of its location.
    var key: String { description }
}
