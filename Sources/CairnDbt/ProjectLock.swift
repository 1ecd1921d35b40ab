import Synchronization

/// Lets one dbt command at a time run on each project in this process: DuckDB allows one
/// writer per database file, and dbt's partial parse and logs are the project's own. Runs on
/// other hosts or processes are not held back; put them in one concurrency pool for that.
final class ProjectLock: Sendable {
    /// The locks of this process.
    static let shared = ProjectLock()

    private let held = Mutex<Set<String>>([])

    /// Runs `body` once no other command of this process runs on `project`; waiting gives up
    /// when the task is canceled.
    func withLock<Result: Sendable>(
        _ project: String, _ body: () async throws -> Result
    ) async throws -> Result {
        while !held.withLock({ $0.insert(project).inserted }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        defer { _ = held.withLock { $0.remove(project) } }
        return try await body()
    }
}
