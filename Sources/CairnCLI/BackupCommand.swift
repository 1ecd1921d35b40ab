import ArgumentParser
import Cairn

/// `backup <path>`: a consistent copy of the home's database, taken while Cairn runs.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write a consistent copy of the home's database (runs, events, states) to a new file.",
        discussion: """
            Safe while a daemon or the web UI runs (SQLite's VACUUM INTO). Copying cairn.sqlite \
            by hand misses what is still in its write-ahead log, cairn.sqlite-wal. Values stored \
            by IO managers (the home's storage/ folder) are files: copy them as they are.
            """)

    @Argument(help: "The file to write; it must not exist.")
    var path: String

    @OptionGroup var options: HomeOptions

    func run() async throws {
        let storage = try await options.openSQLiteStorage(
            for: "backup", instead: "use pg_dump, which takes a consistent copy while Cairn runs")
        try await catchingCairnErrors { try storage.backup(to: path) }
        print("Backed up \(storage.path) to \(path).")
    }
}
