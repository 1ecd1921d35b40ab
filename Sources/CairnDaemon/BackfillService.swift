import Cairn
import Foundation
import Logging
import ServiceLifecycle
import Synchronization

/// Drives the backfills that are requested or being canceled: every interval, starts a
/// `BackfillDriver` for each such backfill that this service is not driving yet.
///
/// With leases, each backfill is driven by one daemon at a time: the one holding the lease
/// `backfill:<id>`, renewed every round; when its daemon dies, another takes the backfill over
/// once the lease expires, and a daemon whose lease was taken over (it was paused) stops driving.
/// Without them, several daemons may drive the same backfill: each run is claimed atomically, so
/// none is launched twice, and the runs a dead daemon had started are marked failed.
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
    /// The leases that give each backfill one driving daemon, when several share the storage.
    public let leases: ServiceLeases?
    private let logger: Logger
    private let driving = Mutex<[BackfillID: Task<Void, Never>]>([:])

    /// Creates the service.
    public init(
        driver: BackfillDriver, interval: Duration = .seconds(1), clock: any Clock<Duration> = ContinuousClock(),
        heartbeats: DaemonHeartbeatRecorder? = nil, leases: ServiceLeases? = nil,
        logger: Logger = Logger(label: "cairn.daemon")
    ) {
        self.heartbeats = heartbeats
        self.leases = leases
        self.driver = driver
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Looks for backfills every interval until the service group shuts down; at shutdown the
    /// drivers stop, and the waiting runs of their backfills wait for the next daemon.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            var metrics = RoundMetrics(service: self.description, interval: self.interval)
            while !Task.isCancelled {
                var roundError: (any Error)?
                let start = metrics.begin()
                do {
                    try await self.renewLeases()
                    for id in try await self.backfillsToDrive() {
                        self.driving.withLock { $0[id] = Task { await self.drive(id) } }
                    }
                    metrics.end(start)
                } catch {
                    if Task.isCancelled { break }
                    self.logger.error("Backfills could not be read: \(error)")
                    roundError = error
                }
                await recordHeartbeat(of: self.description, error: roundError, in: self.heartbeats, logger: self.logger)
                metrics.willWait()
                do { try await self.clock.sleep(for: self.interval) } catch { break }
            }
        }
        let tasks = driving.withLock { Array($0.values) }
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }

    /// The requested or canceling backfills that this service is not driving yet, which it now
    /// drives: those whose lease it got, when it has leases.
    func backfillsToDrive() async throws -> [BackfillID] {
        var found: [BackfillID] = []
        var cursor: BackfillID?
        while true {
            let page = try await driver.storage.backfills(limit: 100, after: cursor)
            found += page.filter { !$0.status.isTerminal }.map(\.id)
            guard page.count == 100, let last = page.last else { break }
            cursor = last.id
        }
        var new: [BackfillID] = []
        for id in found.reversed() where driving.withLock({ $0[id] == nil }) {
            if let leases, try await leases.acquire(Self.leaseName(of: id)) == nil { continue }
            new.append(id)
        }
        return new
    }

    /// Renews the lease of each backfill this service drives; stops driving one whose lease
    /// another daemon took over.
    private func renewLeases() async throws {
        guard let leases else { return }
        for (id, task) in driving.withLock({ $0 }) where try await leases.acquire(Self.leaseName(of: id)) == nil {
            logger.warning("Another daemon took over backfill \(id); this one stops driving it.")
            task.cancel()
        }
    }

    /// The name of the lease of a backfill.
    static func leaseName(of id: BackfillID) -> String { "backfill:" + id.rawValue }

    private func drive(_ id: BackfillID) async {
        logger.info("Driving backfill \(id)")
        do {
            let backfill = try await driver.drive(id)
            logger.info("Backfill \(id) \(backfill.status.rawValue)")
        } catch is CancellationError {
            logger.info("Stopped driving backfill \(id)")
        } catch {
            logger.error("Backfill \(id) stopped: \(error)")
        }
        _ = driving.withLock { $0.removeValue(forKey: id) }
        if let leases { await leases.release(Self.leaseName(of: id), logger: logger) }
    }
}
