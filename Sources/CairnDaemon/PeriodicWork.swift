import Logging
import ServiceLifecycle

/// Does `work` every `interval` until the service group shuts down: the loop of every daemon
/// service. After each round the service's heartbeat is recorded, with the round's error if any;
/// an error is also logged as `failure: error`, and the next round happens as usual; only the
/// shutdown ends a wait early, or a ring of `doorbell`.
func repeatUntilShutdown(
    service: String, every interval: Duration, clock: any Clock<Duration>, heartbeats: DaemonHeartbeatRecorder?,
    doorbell: RunQueueDoorbell? = nil, logger: Logger, failure: String,
    _ work: @escaping @Sendable () async throws -> Void
) async {
    await cancelWhenGracefulShutdown {
        while !Task.isCancelled {
            var roundError: (any Error)?
            do {
                try await work()
            } catch {
                if Task.isCancelled { return }
                logger.error("\(failure): \(error)")
                roundError = error
            }
            await recordHeartbeat(of: service, error: roundError, in: heartbeats, logger: logger)
            if let doorbell {
                await doorbell.wait(atMost: interval, clock: clock)
            } else {
                do { try await clock.sleep(for: interval) } catch { return }
            }
        }
    }
}

/// Records the heartbeat of `service` after a round, logging a heartbeat that cannot be stored.
func recordHeartbeat(
    of service: String, error: (any Error)?, in heartbeats: DaemonHeartbeatRecorder?, logger: Logger
) async {
    guard let heartbeats else { return }
    do {
        try await heartbeats.record(service: service, error: error)
    } catch {
        if Task.isCancelled { return }
        logger.error("The heartbeat of the \(service) service could not be recorded: \(error)")
    }
}
