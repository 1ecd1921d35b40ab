import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process groups of the external processes this process runs, so that a process about to
/// exit (Ctrl-C, `terminate`) takes them with it instead of leaving them orphaned.
public final class RunningProcessGroups: Sendable {
    /// The groups of this process.
    public static let shared = RunningProcessGroups()

    private let groups = Mutex<Set<pid_t>>([])

    private init() {}

    func insert(_ group: pid_t) { _ = groups.withLock { $0.insert(group) } }

    func remove(_ group: pid_t) { _ = groups.withLock { $0.remove(group) } }

    /// Whether external processes are running.
    public var isEmpty: Bool { groups.withLock { $0.isEmpty } }

    /// Sends SIGINT to every group, waits up to `grace` for them to end, then kills what is left
    /// with SIGKILL. Blocks the calling thread; for signal handlers about to exit.
    public func interruptAll(grace: Duration) {
        let running = groups.withLock { $0 }
        guard !running.isEmpty else { return }
        for group in running { kill(-group, SIGINT) }
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline, running.contains(where: { kill(-$0, 0) == 0 }) {
            usleep(20_000)
        }
        for group in running where kill(-group, 0) == 0 { kill(-group, SIGKILL) }
    }
}
