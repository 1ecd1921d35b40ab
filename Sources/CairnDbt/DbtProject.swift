import Cairn
import CairnPipes
import Foundation

/// A dbt project on disk and how to run dbt on it.
///
/// ```swift
/// let shop = DbtProject(directory: "Examples/Shop/dbt", profilesDirectory: "Examples/Shop/dbt")
/// let models = await DbtAssets.load(shop)
/// ```
public struct DbtProject: Sendable {
    /// The directory that holds `dbt_project.yml`, absolute.
    public var directory: String
    /// Where `profiles.yml` is; dbt's default (`~/.dbt`) when `nil`.
    public var profilesDirectory: String?
    /// The profile's target; the profile's default when `nil`.
    public var target: String?
    /// The `dbt` executable: a path, or a name looked up on `PATH`.
    public var dbtExecutable: String
    /// How long a terminated dbt command has to exit before it is killed.
    public var terminationGrace: Duration

    /// Describes a project. Relative paths are taken from the current directory.
    public init(
        directory: String, profilesDirectory: String? = nil, target: String? = nil, dbtExecutable: String = "dbt",
        terminationGrace: Duration = .seconds(20)
    ) {
        let base = FileManager.default.currentDirectoryPath
        func absolute(_ path: String) -> String {
            URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: base)).standardizedFileURL.path
        }
        self.directory = absolute(directory)
        self.profilesDirectory = profilesDirectory.map(absolute)
        self.target = target
        self.dbtExecutable = dbtExecutable
        self.terminationGrace = terminationGrace
    }

    /// `target/manifest.json` of the project.
    public var manifestPath: String { directory + "/target/manifest.json" }

    /// The project's manifest, after `dbt parse` when it is missing or older than a file of the
    /// project.
    public func manifest() async throws -> DbtManifest {
        guard FileManager.default.fileExists(atPath: directory + "/dbt_project.yml") else {
            throw DbtError.notAProject(directory: directory)
        }
        if isManifestStale {
            try await run(["parse"])
        }
        return try DbtManifest(contentsOf: manifestPath)
    }

    /// Whether the manifest is missing or older than a file of the project.
    var isManifestStale: Bool {
        guard let built = modificationDate(manifestPath) else { return true }
        let skipped: Set<String> = ["target", "logs", "dbt_packages", ".venv", ".git"]
        guard let files = FileManager.default.enumerator(atPath: directory) else { return true }
        var seen = 0
        while let file = files.nextObject() as? String {
            seen += 1
            if seen > 200_000 { return true }
            if skipped.contains(where: { file == $0 || file.hasPrefix($0 + "/") }) {
                files.skipDescendants()
                continue
            }
            if let changed = modificationDate(directory + "/" + file), changed > built { return true }
        }
        return false
    }

    private func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }

    /// The unique ids of the models, seeds and snapshots that a dbt selection picks, as `dbt ls`
    /// resolves it (Cairn does not reimplement dbt's selection grammar).
    public func list(select: String?, exclude: String?) async throws -> Set<String> {
        var arguments = ["ls", "--resource-type", "model", "seed", "snapshot", "--output", "json"]
        arguments += ["--output-keys", "unique_id", "--quiet"]
        if let select { arguments += ["--select", select] }
        if let exclude { arguments += ["--exclude", exclude] }
        let output = try await run(arguments, logFormat: nil)
        var ids = Set<String>()
        for line in output.plainLines where line.hasPrefix("{") {
            if let id = (try? JSONReader.parse(Array(line.utf8)))?["unique_id"]?.string { ids.insert(id) }
        }
        return ids
    }

    /// Runs a dbt command on the project and waits for it, one at a time per project.
    ///
    /// - Parameters:
    ///   - context: the step whose output dbt's messages become; none when `nil`.
    ///   - prepare: run under the project's lock before dbt; returns the project directory to give
    ///     dbt, such as a shadow copy with a selectors file (the project's own when `nil`).
    ///   - finish: run under the lock after dbt, with that directory.
    ///   - finished: called with each node's result as dbt finishes it.
    /// - Throws: `DbtError.dbtMissing`, `DbtError.commandFailed` when it exits with a status other
    ///   than those in `accepting`.
    @discardableResult
    func run(
        _ arguments: [String], logFormat: String? = "json", context: AssetContext? = nil,
        accepting: Set<Int32> = [0], prepare: @Sendable () throws -> String? = { nil },
        finish: @Sendable (String) -> Void = { _ in },
        finished: @escaping @Sendable (DbtNodeResult) -> Void = { _ in }
    ) async throws -> DbtCommandOutput {
        var environment = ProcessInfo.processInfo.environment
        environment["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
        environment["PYTHONUNBUFFERED"] = "1"
        let result: (exit: ProcessExit, outcome: DbtCommandOutput)
        do {
            result = try await ProjectLock.shared.withLock(directory) {
                let projectDirectory = try prepare() ?? directory
                defer { finish(projectDirectory) }
                var command = [dbtExecutable] + arguments + ["--project-dir", projectDirectory]
                if let profilesDirectory { command += ["--profiles-dir", profilesDirectory] }
                if let target, !arguments.contains("--target") { command += ["--target", target] }
                if let logFormat { command += ["--log-format", logFormat] }
                let process = ExternalProcess(
                    command: command, environment: environment, workingDirectory: directory,
                    terminationGrace: terminationGrace, context: context)
                return try await process.run {
                    DbtLogReader(context: context, finished: finished)
                } outcome: { reader in
                    DbtCommandOutput(
                        status: 0, errors: reader.errors, plainLines: reader.plainLines, stderrTail: reader.stderrTail)
                }
            }
        } catch is ProcessLaunchError {
            throw DbtError.dbtMissing(executable: dbtExecutable)
        }
        if result.exit.wasInterrupted { throw CancellationError() }
        guard let status = result.exit.status, accepting.contains(status) else {
            let errors = result.outcome.errors.isEmpty ? result.outcome.stderrTail : result.outcome.errors
            throw DbtError.commandFailed(
                command: ([dbtExecutable] + arguments.prefix(1)).joined(separator: " "),
                exit: result.exit.description, errors: errors)
        }
        var output = result.outcome
        output.status = status
        return output
    }
}

/// What a dbt command printed, once it ended.
struct DbtCommandOutput: Sendable {
    /// Its exit status.
    var status: Int32
    /// Its error messages.
    var errors: [String]
    /// Its lines that were not JSON log events.
    var plainLines: [String]
    /// The last lines of its stderr.
    var stderrTail: [String]
}
