import Cairn
import Logging
import Metrics
import ServiceLifecycle

/// Does `work` every `interval` until the service group shuts down: the loop of every daemon
/// service. After each round the service's heartbeat is recorded, with the round's error if any;
/// an error is also logged as `failure: error`, and the next round happens as usual; only the
/// shutdown ends a wait early, or a ring of `doorbell`. Each round's duration, and how much later
/// than its wait of `interval` asked it began, are recorded as metrics of the service.
///
/// With `leases`, a round happens only in the daemon holding the service's lease, taken or
/// renewed before it; the others stand by, and the lease is released at shutdown so that another
/// daemon takes over at once.
func repeatUntilShutdown(
    service: String, every interval: Duration, clock: any Clock<Duration>, heartbeats: DaemonHeartbeatRecorder?,
    doorbell: RunQueueDoorbell? = nil, leases: ServiceLeases? = nil, logger: Logger, failure: String,
    _ work: @escaping @Sendable () async throws -> Void
) async {
    let leaseName = ServiceLeases.name(of: service)
    await cancelWhenGracefulShutdown {
        var metrics = RoundMetrics(service: service, interval: interval)
        var held = false
        while !Task.isCancelled {
            var roundError: (any Error)?
            let start = metrics.begin()
            do {
                if let leases {
                    let lease = try await leases.acquire(leaseName)
                    // `daemon status` shows which daemon runs each service; losing one is worth a warning.
                    if let lease, !held {
                        logger.debug("This daemon now runs \(service) (lease token \(lease.token)).")
                    }
                    if lease == nil, held { logger.warning("Another daemon took over \(service).") }
                    held = lease != nil
                }
                if let leases, held {
                    // A round longer than a third of the lease renews it meanwhile, so another
                    // daemon does not take the service over while this one is still at work.
                    try await leases.renewing(leaseName, logger: logger) { try await work() }
                } else if leases == nil {
                    try await work()
                }
                metrics.end(start)
            } catch {
                if Task.isCancelled { break }
                logger.error("\(failure): \(error)")
                roundError = error
            }
            await recordHeartbeat(of: service, error: roundError, in: heartbeats, logger: logger)
            metrics.willWait()
            if let doorbell {
                await doorbell.wait(atMost: interval, clock: clock)
            } else {
                do { try await clock.sleep(for: interval) } catch { break }
            }
        }
        if held, let leases { await leases.release(leaseName, logger: logger) }
    }
}

/// The metrics of a daemon service's rounds: how long each took, and how much later than asked
/// the latest began (its wait overslept, or the process was too busy to wake it).
struct RoundMetrics {
    private let duration: Timer
    private let lag: Gauge
    private let interval: Duration
    private var intendedStart: ContinuousClock.Instant?

    init(service: String, interval: Duration) {
        duration = Timer(label: MetricName.daemonTickDuration, dimensions: [("service", service)])
        lag = Gauge(label: MetricName.daemonTickLag, dimensions: [("service", service)])
        self.interval = interval
    }

    /// Records the lag of a round beginning now; returns its start.
    mutating func begin() -> ContinuousClock.Instant {
        let start = ContinuousClock.now
        if let intendedStart {
            let late = start - intendedStart
            lag.record(max(late.inSeconds, 0))
        }
        return start
    }

    /// Records the duration of a round that began at `start` and succeeded.
    func end(_ start: ContinuousClock.Instant) {
        duration.record(duration: ContinuousClock.now - start)
    }

    /// Notes that the service now waits `interval` before its next round.
    mutating func willWait() {
        intendedStart = ContinuousClock.now + interval
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
