import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Lets one dbt command at a time run on each project on this host: DuckDB allows one writer per
/// database file, and a build writes the project's shadow copy and partial parse. Processes take
/// turns through a lock file (`flock`) in the project's `target`; tasks of one process through
/// this object.
final class ProjectLock: Sendable {
    /// The locks of this process.
    static let shared = ProjectLock()

    private let held = Mutex<Set<String>>([])

    /// Runs `body` once no other dbt command of this host runs on `project`; waiting gives up
    /// when the task is canceled.
    func withLock<Result: Sendable>(
        _ project: String, _ body: () async throws -> Result
    ) async throws -> Result {
        while !held.withLock({ $0.insert(project).inserted }) {
            try await Task.sleep(for: .milliseconds(20))
        }
        defer { _ = held.withLock { $0.remove(project) } }
        try? FileManager.default.createDirectory(atPath: project + "/target", withIntermediateDirectories: true)
        let descriptor = open(project + "/target/.cairn_dbt.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        defer { if descriptor >= 0 { close(descriptor) } }
        if descriptor >= 0 {
            while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return try await body()
    }
}
