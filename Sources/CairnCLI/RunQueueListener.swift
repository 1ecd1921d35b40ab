import CairnDaemon
import CairnPostgres
import Logging
import ServiceLifecycle

/// Rings the run queue's doorbell as soon as PostgreSQL tells that runs were queued, by any
/// process on any host, so a run queued on one host starts on another at once, not at the next look.
struct RunQueueListener: Service, CustomStringConvertible {
    /// The storage that tells.
    let storage: PostgresStorage
    /// What wakes the run queue.
    let doorbell: RunQueueDoorbell
    let logger: Logger

    var description: String { "queue_listener" }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in storage.queuedRunNotifications(logger: logger) { doorbell.ring() }
        }
    }
}
