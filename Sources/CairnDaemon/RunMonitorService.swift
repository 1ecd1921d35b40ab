import Cairn
import Foundation
import Logging
import ServiceLifecycle

/// Run monitoring: every interval, marks FAILURE the runs in progress whose worker process is
/// gone, and the runs that stayed STARTING longer than a timeout, so that no run is left stuck.
///
/// A run's worker is the latest process recorded for it: the one that claimed it (RUN_STARTING),
/// a child process launched for it or `execute-run` (ENGINE_EVENT), or the process in its tags.
/// Only processes on this host can be seen to be gone. Runs are failed with a transition from
/// STARTING, STARTED or CANCELING, so that an ended run never changes.
public actor RunMonitorService: Service {
    /// Where the runs are.
    public let storage: any RunStorage & EventLogStorage
    /// How long to wait between two checks.
    public let interval: Duration
    /// How long a run may stay STARTING before it is failed.
    public let startingTimeout: Duration
    /// What the service waits on between two checks.
    public let clock: any Clock<Duration>
    private let now: @Sendable () -> Date
    private let logger: Logger
    /// The id of the last RUN_STARTING or ENGINE_EVENT read.
    private var cursor: Int64?
    /// The latest worker and claim time recorded for each run in progress.
    private var records: [RunID: (worker: RunWorker?, startingSince: Date?)] = [:]

    /// Creates the service.
    ///
    /// - Parameter now: the current time, to measure how long runs are STARTING.
    public init(
        storage: any RunStorage & EventLogStorage, interval: Duration = .seconds(1),
        startingTimeout: Duration = .seconds(60), clock: any Clock<Duration> = ContinuousClock(),
        now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "cairn.daemon")
    ) {
        self.storage = storage
        self.interval = interval
        self.startingTimeout = startingTimeout
        self.clock = clock
        self.now = now
        self.logger = logger
    }

    /// Checks the runs every interval until the service group shuts down; an error of one check is
    /// logged and the next check happens as usual.
    public func run() async throws {
        await repeatUntilShutdown(every: interval, clock: clock, logger: logger, failure: "Runs could not be monitored")
        {
            try await self.check()
        }
    }

    /// Checks the runs in progress once and fails those whose worker is gone or that are stuck
    /// STARTING.
    ///
    /// - Returns: the runs this call marked failed.
    @discardableResult
    public func check() async throws -> [Run] {
        try await readNewWorkerRecords()
        var inProgress = [Run]()
        var pageCursor: RunID?
        while true {
            let page = try await storage.runs(
                matching: RunFilter(statuses: RunCoordinatorService.inProgressStatuses), limit: 1000, after: pageCursor)
            inProgress += page
            guard page.count == 1000, let last = page.last else { break }
            pageCursor = last.id
        }
        let ids = Set(inProgress.map(\.id))
        records = records.filter { ids.contains($0.key) }
        var failed = [Run]()
        let timeout = Double(startingTimeout.components.seconds) + Double(startingTimeout.components.attoseconds) / 1e18
        for run in inProgress {
            let record = records[run.id]
            let reason: String
            if let worker = record?.worker ?? RunWorker(tagsOf: run), !worker.isAlive {
                reason = "The process that ran this run (\(worker)) is gone; marked failed."
            } else if run.status == .starting, let since = record?.startingSince,
                now().timeIntervalSince(since) > timeout
            {
                reason = "The run stayed STARTING for more than \(startingTimeout) without starting; marked failed."
            } else {
                continue
            }
            let event = Event(.runFailure, runID: run.id, level: .error, message: reason)
            guard try await storage.transition(event, from: RunCoordinatorService.inProgressStatuses) != nil else {
                continue
            }
            logger.warning("Run \(run.id) FAILED: \(reason)")
            failed.append(run)
        }
        return failed
    }

    /// Reads the RUN_STARTING and ENGINE_EVENT events stored since the last check.
    private func readNewWorkerRecords() async throws {
        while true {
            let page = try await storage.events(after: cursor, types: [.runStarting, .engineEvent], limit: 1000)
            for record in page {
                let event = record.event
                var entry = records[event.runID] ?? (nil, nil)
                if let worker = RunWorker(recordedBy: event) { entry.worker = worker }
                if event.type == .runStarting { entry.startingSince = event.timestamp }
                records[event.runID] = entry
            }
            cursor = page.last?.id ?? cursor
            guard page.count == 1000 else { return }
        }
    }
}
