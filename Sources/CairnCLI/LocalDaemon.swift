import Cairn
import CairnDaemon
import CairnWeb
import Foundation
import Logging
import ServiceLifecycle

/// Every daemon service over one Cairn home, run in this process until SIGINT or SIGTERM: what
/// `daemon` and `dev` run.
struct LocalDaemon {
    /// How the services run.
    let options: DaemonOptions
    /// Where the state is.
    let home: HomeOptions
    /// The web UI to serve beside the services, if any.
    var web: WebConfiguration?
    /// Where to serve `/metrics` alone, if anywhere (the web UI serves it too).
    var metrics: MetricsEndpoint?

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
        let doorbell = RunQueueDoorbell()
        let monitor = RunMonitorService(
            storage: storage, interval: interval, startingTimeout: .seconds(options.startingTimeout),
            heartbeatTimeout: .seconds(options.heartbeatTimeout), definitions: definitions,
            maxResumeAttempts: options.resumeDeadRuns, maxRuntime: try options.defaultMaxRuntime(),
            heartbeats: heartbeats, logger: logger)
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
        var services: [any Service] = [
            RunCoordinatorService(
                storage: storage, launcher: launcher, policy: policy, interval: interval, heartbeats: heartbeats,
                doorbell: doorbell, logger: logger),
            monitor,
            BackfillService(
                driver: BackfillDriver(
                    definitions: definitions, storage: storage,
                    defaultIOManager: JSONFileIOManager(directory: cairnHome.storageDirectory),
                    maxConcurrentRuns: options.maxConcurrentRuns, maxConcurrency: concurrency,
                    failsRunsOfDeadWorkers: false),
                interval: interval, heartbeats: heartbeats, logger: logger),
            ScheduleService(
                definitions: definitions, storage: storage, interval: interval, now: now, heartbeats: heartbeats,
                doorbell: doorbell, logger: logger),
            SensorService(
                definitions: definitions, storage: storage, interval: interval, now: now, heartbeats: heartbeats,
                doorbell: doorbell, logger: logger),
        ]
        if definitions.assets.contains(where: { $0.specs.contains { $0.automationCondition != nil } }) {
            services.append(
                try AutomationService(
                    definitions: definitions, storage: storage, interval: interval, now: now, heartbeats: heartbeats,
                    doorbell: doorbell, logger: logger))
        }
        if let policy = try options.retention.policy() {
            services.append(
                RetentionService(
                    pruner: HistoryPruner(storage: storage, policy: policy), interval: interval,
                    heartbeats: heartbeats, logger: logger))
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
