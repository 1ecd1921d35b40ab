import Cairn
import Foundation
import Logging
import ServiceLifecycle

/// Retention: applies a retention policy once when the daemon starts, then every `period` (a
/// day), in the small batches of `HistoryPruner`, so that runs going on meanwhile never wait long
/// for the database. Several daemons may prune at once: a run deleted by one is skipped by the
/// others.
public actor RetentionService: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public nonisolated var description: String { "retention" }

    /// What is pruned, and how.
    public let pruner: HistoryPruner
    /// How long between two prunes.
    public let period: Duration
    /// How often the service looks whether a prune is due, and records its heartbeat.
    public let interval: Duration
    /// What the service waits on.
    public let clock: any Clock<Duration>
    /// Where the service records its heartbeat after each look, if anywhere.
    public let heartbeats: DaemonHeartbeatRecorder?
    /// The leases that keep the service's rounds to one daemon at a time, when several share the storage.
    public let leases: ServiceLeases?
    private let now: @Sendable () -> Date
    private let logger: Logger
    /// When the next prune is due; `nil` until the first.
    private var nextPrune: ContinuousClock.Instant?

    /// Creates the service.
    public init(
        pruner: HistoryPruner, period: Duration = .seconds(86_400), interval: Duration = .seconds(1),
        clock: any Clock<Duration> = ContinuousClock(), now: @escaping @Sendable () -> Date = Date.init,
        heartbeats: DaemonHeartbeatRecorder? = nil, leases: ServiceLeases? = nil,
        logger: Logger = Logger(label: "cairn.daemon")
    ) {
        self.pruner = pruner
        self.period = period
        self.interval = interval
        self.clock = clock
        self.now = now
        self.heartbeats = heartbeats
        self.leases = leases
        self.logger = logger
    }

    /// Prunes when due, every interval, until the service group shuts down.
    public func run() async throws {
        await repeatUntilShutdown(
            service: description, every: interval, clock: clock, heartbeats: heartbeats, leases: leases, logger: logger,
            failure: "History could not be pruned"
        ) {
            try await self.pruneIfDue()
        }
    }

    /// Prunes if no prune succeeded in the last `period`; after a failed prune, tries again after
    /// `retryDelay`.
    ///
    /// - Returns: what went, or `nil` when no prune was due.
    @discardableResult
    public func pruneIfDue() async throws -> HistoryPruner.Report? {
        let started = ContinuousClock.now
        if let nextPrune, started < nextPrune { return nil }
        do {
            let report = try await pruner.prune(now: now())
            nextPrune = started + period
            if report.runs > 0 || report.ticksAndEvaluations > 0 {
                logger.info("Pruned \(report) in \(ContinuousClock.now - started).")
            }
            return report
        } catch {
            nextPrune = ContinuousClock.now + Self.retryDelay
            throw error
        }
    }

    /// How long after a failed prune the next is tried.
    static let retryDelay = Duration.seconds(300)
}
