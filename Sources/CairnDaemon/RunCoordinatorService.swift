import Cairn
import Foundation
import Logging
import ServiceLifecycle

/// The run queue: every interval, launches the queued runs that the policy lets start, those a
/// backfill released (queued once the partitions they depend on were done) among them.
///
/// Each run is claimed with an atomic QUEUED → STARTING transition before it is launched, so that
/// several coordinators on one storage never launch a run twice. A run whose launch fails is
/// marked FAILURE with the reason.
///
/// ```swift
/// let coordinator = RunCoordinatorService(storage: storage, launcher: launcher, policy: RunQueuePolicy())
/// try await ServiceGroup(services: [coordinator], gracefulShutdownSignals: [.sigterm], logger: logger).run()
/// ```
public struct RunCoordinatorService: Service, CustomStringConvertible {
    /// The service's name, in its heartbeats, metrics and `ServiceGroup`'s logs (which would
    /// otherwise print by reflection all the service holds, taking seconds for 10,000 assets).
    public var description: String { "run_queue" }

    /// Where the runs are.
    public let storage: any RunStorage & EventLogStorage
    /// What executes claimed runs.
    public let launcher: any RunLauncher
    /// Which queued runs may start.
    public let policy: RunQueuePolicy
    /// How long to wait between two looks at the queue.
    public let interval: Duration
    /// What the service waits on between two looks.
    public let clock: any Clock<Duration>
    /// Where the service records its heartbeat after each round, if anywhere.
    public let heartbeats: DaemonHeartbeatRecorder?
    /// What wakes the queue before its interval has passed: the services of this daemon that queue
    /// runs ring it, and so do runs queued on other hosts where the storage tells (PostgreSQL).
    public let doorbell: RunQueueDoorbell?
    /// The lease that lets one daemon or worker at a time claim runs, when several share the storage.
    public let leases: ServiceLeases?
    /// How many runs this process's launcher may have in flight at once (a worker's capacity);
    /// `nil`: only the policy's limits apply.
    public let capacity: Int?
    private let logger: Logger

    /// The statuses of runs in progress, which count against the limits.
    public static let inProgressStatuses: Set<RunStatus> = [.starting, .started, .canceling]

    /// Creates the service.
    public init(
        storage: any RunStorage & EventLogStorage, launcher: any RunLauncher, policy: RunQueuePolicy = RunQueuePolicy(),
        interval: Duration = .seconds(1), clock: any Clock<Duration> = ContinuousClock(),
        heartbeats: DaemonHeartbeatRecorder? = nil, doorbell: RunQueueDoorbell? = nil, leases: ServiceLeases? = nil,
        capacity: Int? = nil, logger: Logger = Logger(label: "cairn.daemon")
    ) {
        self.leases = leases
        self.capacity = capacity
        self.heartbeats = heartbeats
        self.doorbell = doorbell
        self.storage = storage
        self.launcher = launcher
        self.policy = policy
        self.interval = interval
        self.clock = clock
        self.logger = logger
    }

    /// Looks at the queue every interval, and at once when the doorbell rings, until the service
    /// group shuts down; an error of one look is logged and the next look happens as usual.
    public func run() async throws {
        await repeatUntilShutdown(
            service: description, every: interval, clock: clock, heartbeats: heartbeats, doorbell: doorbell,
            logger: logger,
            failure: "The run queue could not be processed"
        ) {
            _ = try await self.launchQueuedRuns()
        }
    }

    /// Launches the queued runs that the policy lets start now, within this process's capacity.
    ///
    /// With leases, the runs are claimed holding the run queue's lease, so that of several daemons
    /// and workers, one at a time counts the runs in progress against the limits and claims; each
    /// then launches what it claimed. A process that waited half a second for the lease leaves the
    /// round to the others.
    ///
    /// - Returns: the runs this call claimed and launched.
    @discardableResult
    public func launchQueuedRuns() async throws -> [Run] {
        let claimed: [Run]
        if let leases {
            claimed =
                try await leases.exclusively(
                    ServiceLeases.name(of: description), patience: .milliseconds(500), logger: logger
                ) { try await claimQueuedRuns() } ?? []
        } else {
            claimed = try await claimQueuedRuns()
        }
        var launched = [Run]()
        for run in claimed {
            do {
                try await launcher.launch(run)
                logger.info("Launched run \(run.id)")
                launched.append(run)
            } catch {
                // Each claimed run is handled, even when recording one failure fails: run
                // monitoring ends a run left STARTING.
                let failure = Event(
                    .runFailure, runID: run.id, level: .error, message: "The run could not be launched: \(error)",
                    error: ErrorInfo(error))
                _ = try? await storage.transition(failure, from: [.starting])
                logger.error("Run \(run.id) FAILED: it could not be launched: \(error)")
            }
        }
        return launched
    }

    /// Claims the queued runs that the policy lets start now, up to this process's free capacity:
    /// QUEUED → STARTING, each atomically.
    private func claimQueuedRuns() async throws -> [Run] {
        let free = capacity.map { $0 - launcher.runsInFlight.count } ?? Int.max
        guard free > 0 else { return [] }
        let queued = try await allRuns(with: [.queued])
        guard !queued.isEmpty else { return [] }
        let inProgress = try await allRuns(with: Self.inProgressStatuses)
        var claimed = [Run]()
        for run in policy.runsToLaunch(queued: queued, inProgress: inProgress) {
            guard claimed.count < free else { break }
            let worker = RunWorker.current
            let claim = Event(
                .runStarting, runID: run.id, message: "Launched by the run queue (\(worker)).",
                metadata: worker.metadata)
            guard try await storage.transition(claim, from: [.queued]) != nil else { continue }
            var started = run
            started.status = .starting
            claimed.append(started)
        }
        return claimed
    }

    /// Every run with one of the statuses, page by page.
    private func allRuns(with statuses: Set<RunStatus>) async throws -> [Run] {
        var runs = [Run]()
        var cursor: RunID?
        while true {
            let page = try await storage.runs(matching: RunFilter(statuses: statuses), limit: 1000, after: cursor)
            runs += page
            guard page.count == 1000, let last = page.last else { return runs }
            cursor = last.id
        }
    }
}
