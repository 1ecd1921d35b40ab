import Foundation

/// The directory where a code location keeps its state: the SQLite database and stored asset
/// values. `.cairn/` in the working directory unless `CAIRN_HOME` names another.
public struct CairnHome: Hashable, Sendable {
    /// The absolute path of the directory.
    public let path: String

    /// The environment variable that overrides the default location.
    public static let environmentVariable = "CAIRN_HOME"

    /// Uses `path` if given, else `$CAIRN_HOME`, else `.cairn` in the working directory.
    public init(path: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
        let chosen = path ?? environment[Self.environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? ".cairn"
        let base = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        self.path = URL(fileURLWithPath: chosen, relativeTo: base).standardizedFileURL.path
    }

    /// The SQLite database with runs and the event log.
    public var databasePath: String { path + "/cairn.sqlite" }

    /// The directory where the default IO manager stores asset values.
    public var storageDirectory: String { path + "/storage" }
}
