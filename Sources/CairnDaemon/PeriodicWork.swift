import Logging
import ServiceLifecycle

/// Does `work` every `interval` until the service group shuts down: the loop of every daemon
/// service. An error of one round is logged as `failure: error`, and the next round happens as
/// usual; only the shutdown ends a wait early.
func repeatUntilShutdown(
    every interval: Duration, clock: any Clock<Duration>, logger: Logger, failure: String,
    _ work: @escaping @Sendable () async throws -> Void
) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            do {
                try await work()
            } catch {
                if Task.isCancelled { return }
                logger.error("\(failure): \(error)")
            }
            do { try await clock.sleep(for: interval) } catch { return }
        }
    }
}
