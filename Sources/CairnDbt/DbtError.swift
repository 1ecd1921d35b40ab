import Cairn

/// Why a dbt project could not be loaded or built; each says what to do.
public enum DbtError: Error, UserError, CustomStringConvertible, Sendable {
    /// The directory has no `dbt_project.yml`.
    case notAProject(directory: String)
    /// The `dbt` executable was not found.
    case dbtMissing(executable: String)
    /// A dbt command failed; its error lines say why (a profile that is missing or cannot
    /// connect, a model that does not compile).
    case commandFailed(command: String, exit: String, errors: [String])
    /// The manifest is not valid.
    case brokenManifest(path: String, reason: String)
    /// `dbt build` failed for some nodes.
    case buildFailed(failures: [String])

    /// What went wrong, and how to fix it.
    public var description: String {
        switch self {
        case .notAProject(let directory):
            "'\(directory)' is not a dbt project: it has no dbt_project.yml; give DbtProject the directory that holds it"
        case .dbtMissing(let executable):
            "the dbt executable '\(executable)' was not found; install dbt-core and an adapter (pip install "
                + "dbt-core dbt-duckdb) or give DbtProject(dbtExecutable:) its path"
        case .commandFailed(let command, let exit, let errors):
            "`\(command)` \(exit)"
                + (errors.isEmpty ? "" : ":\n" + errors.joined(separator: "\n"))
        case .brokenManifest(let path, let reason):
            "the dbt manifest '\(path)' is broken: \(reason); delete it and let Cairn run `dbt parse` again"
        case .buildFailed(let failures):
            "dbt build failed: " + failures.joined(separator: "; ")
                + "; dbt's log is in the step's captured output, and `reexecute <run> --from-failure` builds what "
                + "did not succeed once it is fixed"
        }
    }
}
