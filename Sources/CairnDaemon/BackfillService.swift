import Cairn
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Drives the backfills that are requested or being canceled: every interval, starts a
/// `BackfillDriver` for each such backfill that this service is not driving yet.
///
/// Several daemons may drive the same backfill: each run is claimed atomically, so none is
/// launched twice, and the runs a dead daemon had started are marked failed.
public final class BackfillService: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public var description: String { "backfills" }

    /// Drives one backfill to its end.
    public let driver: BackfillDriver
    /// How long to wait between two looks for backfills.
    public let interval: Duration
    /// What the service waits on between two looks.
    public let clock: any Clock<Duration>
    /// Where the service records its heartbeat after each look, if anywhere.
    public let heartbeats: DaemonHeartbeatRecorder?
    private let logger: Logger
    private let driving = Mutex<Set<BackfillID>>([])

    /// Creates the service.
    public init(
        driver: BackfillDriver, interval: Duration = .seconds(1), clock: any Clock<Duration> = ContinuousClock(),
        heartbeats: DaemonHeartbeatRecorder? = nil, logger: Logger = Logger(label: "cairn.daemon")
    ) {
        self.heartbeats = heartbeats
        self.driver = driver
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Looks for backfills every interval until the service group shuts down; at shutdown the
    /// drivers stop, and the queued runs of their backfills wait for the next daemon.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var metrics = RoundMetrics(service: self.description, interval: self.interval)
                while !Task.isCancelled {
                    var roundError: (any Error)?
                    let start = metrics.begin()
                    do {
                        for id in try await self.backfillsToDrive() {
                            group.addTask { await self.drive(id) }
                        }
                        metrics.end(start)
                    } catch {
                        if Task.isCancelled { break }
                        self.logger.error("Backfills could not be read: \(error)")
                        roundError = error
                    }
                    await recordHeartbeat(
                        of: self.description, error: roundError, in: self.heartbeats, logger: self.logger)
                    metrics.willWait()
                    do { try await self.clock.sleep(for: self.interval) } catch { break }
                }
            }
        }
    }

    /// The requested or canceling backfills that this service is not driving yet, which it now drives.
    func backfillsToDrive() async throws -> [BackfillID] {
        var found: [BackfillID] = []
        var cursor: BackfillID?
        while true {
            let page = try await driver.storage.backfills(limit: 100, after: cursor)
            found += page.filter { !$0.status.isTerminal }.map(\.id)
            guard page.count == 100, let last = page.last else { break }
            cursor = last.id
        }
        return driving.withLock { driving in
            let new = found.filter { !driving.contains($0) }.reversed()
            driving.formUnion(new)
            return Array(new)
        }
    }

    private func drive(_ id: BackfillID) async {
        logger.info("Driving backfill \(id)")
        do {
            let backfill = try await driver.drive(id)
            logger.info("Backfill \(id) \(backfill.status.rawValue)")
        } catch {
            logger.error("Backfill \(id) stopped: \(error)")
        }
        _ = driving.withLock { $0.remove(id) }
    }
}
