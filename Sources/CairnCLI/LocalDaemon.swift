import Cairn
import CairnDaemon
import CairnPostgres
import CairnWeb
import Foundation
import Logging
import ServiceLifecycle

/// The daemon services over one Cairn home (all, or those of `--services`), run in this process
/// until SIGINT or SIGTERM: what `daemon`, `dev` and `worker` run. Each service takes its lease
/// before each round, so that several daemons sharing a storage, on one host or several, run each
/// service in one of them at a time (`ServiceLeases`).
struct LocalDaemon {
    /// How the services run.
    let options: DaemonOptions
    /// Where the state is.
    let home: HomeOptions
    /// The web UI to serve beside the services, if any.
    var web: WebConfiguration?
    /// Where to serve `/metrics` alone, if anywhere (the web UI serves it too).
    var metrics: MetricsEndpoint?
    /// How many runs this process launches at most at once, when it is a worker; `nil`: only the
    /// queue's limits apply.
    var capacity: Int?

    /// Runs the services until SIGINT or SIGTERM, then waits for the runs executed in-process.
    ///
    /// - Parameter banner: what to print once the services are about to start, given the daemon's id.
    func run(banner: (DaemonID) -> String) async throws {
        let definitions = CodeLocation.definitions
        let storage = try await home.openStorage()
        let logger = Logger(label: "cairn.daemon")
        let cairnHome = home.cairnHome
        let interval = Duration.milliseconds(options.intervalMs)
        let now = try options.clock()
        let concurrency = options.concurrency.maxConcurrency
        let heartbeats = DaemonHeartbeatRecorder(storage: storage)
        let leases = ServiceLeases(
            storage: storage, holder: heartbeats.daemonID, duration: .seconds(options.leaseSeconds))
        let chosen = try options.chosenServices()
        let doorbell = RunQueueDoorbell()
        let monitor = RunMonitorService(
            storage: storage, interval: interval, startingTimeout: .seconds(options.startingTimeout),
            heartbeatTimeout: .seconds(options.heartbeatTimeout), definitions: definitions,
            maxResumeAttempts: options.resumeDeadRuns, maxRuntime: try options.defaultMaxRuntime(),
            heartbeats: heartbeats, leases: leases, logger: logger)
        let inProcessLauncher =
            options.inProcess
            ? InProcessRunLauncher(
                definitions: definitions, storage: storage,
                defaultIOManager: JSONFileIOManager(directory: cairnHome.storageDirectory),
                maxConcurrency: concurrency, heartbeatInterval: .milliseconds(options.heartbeatIntervalMs),
                observer: { record in
                    guard record.event.type.runStatus?.isTerminal == true else { return }
                    logger.info("Run \(record.event.runID) \(record.event.type.runStatus?.rawValue ?? "")")
                })
            : nil
        let launcher: any RunLauncher =
            inProcessLauncher
            ?? ChildProcessRunLauncher(
                storage: storage, home: cairnHome.path,
                extraArguments: [
                    "--max-concurrency", String(concurrency),
                    "--heartbeat-interval-ms", String(options.heartbeatIntervalMs),
                ], onWorkerDeath: { await monitor.resumeDeadRun($0) }, logger: logger)
        let policy = RunQueuePolicy(
            maxConcurrentRuns: options.maxConcurrentRuns, tagConcurrencyLimits: try options.tagLimits())
        var services: [any Service] = []
        if chosen.contains("run_queue") {
            services.append(
                RunCoordinatorService(
                    storage: storage, launcher: launcher, policy: policy, interval: interval, heartbeats: heartbeats,
                    doorbell: doorbell, leases: leases, capacity: capacity, logger: logger))
            if let postgres = storage as? PostgresStorage {
                services.append(RunQueueListener(storage: postgres, doorbell: doorbell, logger: logger))
            }
        }
        if chosen.contains("run_monitoring") { services.append(monitor) }
        if chosen.contains("backfills") {
            // Backfills queue their ready runs for the run queue of any daemon or worker.
            services.append(
                BackfillService(
                    driver: BackfillDriver(
                        definitions: definitions, storage: storage,
                        defaultIOManager: JSONFileIOManager(directory: cairnHome.storageDirectory),
                        maxConcurrentRuns: options.maxConcurrentRuns, maxConcurrency: concurrency,
                        failsRunsOfDeadWorkers: false, releasesToRunQueue: true, pollInterval: interval,
                        observer: { if $0.event.type == .runEnqueued { doorbell.ring() } }),
                    interval: interval, heartbeats: heartbeats, leases: leases, logger: logger))
        }
        if chosen.contains("schedules") {
            services.append(
                ScheduleService(
                    definitions: definitions, storage: storage, interval: interval, now: now, heartbeats: heartbeats,
                    leases: leases, doorbell: doorbell, logger: logger))
        }
        if chosen.contains("sensors") {
            services.append(
                SensorService(
                    definitions: definitions, storage: storage, interval: interval, now: now, heartbeats: heartbeats,
                    leases: leases, doorbell: doorbell, logger: logger))
        }
        if chosen.contains("automation"),
            definitions.assets.contains(where: { $0.specs.contains { $0.automationCondition != nil } })
        {
            services.append(
                try AutomationService(
                    definitions: definitions, storage: storage, interval: interval, now: now, heartbeats: heartbeats,
                    leases: leases, doorbell: doorbell, logger: logger))
        }
        if chosen.contains("retention"), let policy = try options.retention.policy() {
            services.append(
                RetentionService(
                    pruner: HistoryPruner(storage: storage, policy: policy), interval: interval,
                    heartbeats: heartbeats, leases: leases, logger: logger))
        }
        if let metrics {
            services.append(
                MetricsServer(
                    exposition: MetricsExposition(storage: storage), host: metrics.host, port: metrics.port,
                    logger: logger, onListening: { print("Cairn metrics: \($0)") }))
        }
        if let web {
            services.append(
                try WebServer(
                    definitions: definitions, storage: storage, runsQueued: { doorbell.ring() }, configuration: web,
                    logger: WebServer.quietLogger, onListening: { print("Cairn UI: \($0)") }))
        }
        let group = ServiceGroup(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        print(banner(heartbeats.daemonID))
        try await group.run()
        if let inProcessLauncher, !inProcessLauncher.runsInFlight.isEmpty {
            print("Waiting for \(inProcessLauncher.runsInFlight.count) run(s) in progress to end…")
            await inProcessLauncher.waitForRuns()
        }
        do {
            try await heartbeats.remove()
        } catch {
            logger.error("The daemon's heartbeats could not be removed: \(error)")
        }
    }
}
