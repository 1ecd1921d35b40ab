import Cairn
import Foundation
import Logging

/// The leases of one daemon's services, so that several daemons on several hosts share one
/// storage with each service doing its rounds in one daemon at a time.
///
/// Before each round, a service takes or renews the lease `daemon:<service>` for `duration`; a
/// daemon that does not get it stands by and tries again at its next round, so another takes over
/// within `duration` of the holder's death (at once when the holder stops cleanly: it releases
/// its leases). The run queue holds its lease only while it claims runs, so every daemon and
/// worker launches runs, one claiming at a time (`RunCoordinatorService`).
///
/// Leases keep work from being done twice at once; they are not what makes it correct. A daemon
/// paused past its lease may finish a round while another does the same round: every write such
/// a round makes is atomic in storage (a run is claimed by its status transition, a tick's run
/// once per run key, an automation tick only from the cursor it read), so nothing is launched or
/// created twice; only a limit may be exceeded by that one round.
public struct ServiceLeases: Sendable {
    /// Where the leases are.
    public let storage: any LeaseStorage
    /// Who holds them: the daemon's id.
    public let holder: String
    /// How long a lease lasts unless renewed: how long a dead daemon's service waits for another.
    public let duration: Duration
    private let now: @Sendable () -> Date

    /// Creates the leases of the daemon `holder`.
    public init(
        storage: any LeaseStorage, holder: DaemonID, duration: Duration = .seconds(15),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.storage = storage
        self.holder = holder.rawValue
        self.duration = duration
        self.now = now
    }

    /// The name of the lease of a service.
    public static func name(of service: String) -> String { "daemon:" + service }

    /// Takes or renews the lease named `name`; `nil` when another daemon holds it.
    public func acquire(_ name: String) async throws -> Lease? {
        try await storage.acquireLease(name, holder: holder, now: now(), duration: duration)
    }

    /// Gives up the lease named `name` if this daemon holds it; a failure is logged. It runs in a
    /// task of its own, so that a cancelled caller (a daemon shutting down) still releases.
    public func release(_ name: String, logger: Logger) async {
        let storage = storage
        let holder = holder
        await Task.detached {
            do {
                try await storage.releaseLease(name, holder: holder)
            } catch {
                logger.warning("The lease \(name) could not be released; it expires by itself: \(error)")
            }
        }.value
    }

    /// Runs `body`, renewing the lease named `name` every third of its duration meanwhile.
    func renewing<T: Sendable>(
        _ name: String, logger: Logger, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                while true {
                    try await Task.sleep(for: duration / 3)
                    if try await acquire(name) == nil {
                        logger.warning("This daemon lost the lease \(name) during a round.")
                    }
                }
            }
            group.addTask { try await body() }
            while let result = try await group.next() {
                if let result {
                    group.cancelAll()
                    return result
                }
            }
            throw CancellationError()
        }
    }

    /// Runs `body` holding the lease named `name`, trying to take it for at most `patience`, and
    /// gives it up afterwards.
    ///
    /// - Returns: what `body` returned, or `nil` when the lease stayed held by another daemon.
    public func exclusively<T: Sendable>(
        _ name: String, patience: Duration, logger: Logger, _ body: () async throws -> T
    ) async throws -> T? {
        let deadline = ContinuousClock.now + patience
        var wait = Duration.milliseconds(2)
        while try await acquire(name) == nil {
            guard ContinuousClock.now + wait < deadline else { return nil }
            try await Task.sleep(for: wait)
            wait = min(wait * 2, .milliseconds(50))
        }
        do {
            let result = try await body()
            await release(name, logger: logger)
            return result
        } catch {
            await release(name, logger: logger)
            throw error
        }
    }
}
