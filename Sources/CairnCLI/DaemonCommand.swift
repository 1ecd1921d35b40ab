import ArgumentParser
import Cairn
import CairnDaemon
import Foundation
import Logging
import ServiceLifecycle

/// `daemon`: runs the run queue, run monitoring, backfills and schedules until SIGINT or SIGTERM;
/// `daemon status` tells whether daemons are running.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Launch queued runs and monitor running ones until stopped with Ctrl-C or SIGTERM.",
        discussion: """
            Queued runs start as child processes of this executable ('execute-run <id>'), or in this \
            process with --in-process, highest 'dagster/priority' tag first, within the limits. \
            Running schedules ('schedule start NAME') queue a run at each tick. \
            Assets with an automation condition are requested when it holds ('automation explain ASSET'). \
            Backfills stored with 'backfill launch --no-drive' are driven in this process, each run \
            once the runs of its upstream partitions succeeded. \
            Runs whose process is gone or sends no heartbeat for --heartbeat-timeout seconds, or that \
            stay STARTING too long, are marked failed, and with --resume-dead-runs N re-executed from \
            failure up to N times. Each service records a heartbeat after each round; 'daemon status' \
            shows them. Several daemons can share one home: each run is launched once. On shutdown the daemon waits \
            for the runs it executes in-process; after SIGTERM, runs in child processes go on and \
            the next daemon monitors them (Ctrl-C in a terminal reaches the child processes too, \
            which then cancel their runs).
            """,
        subcommands: [DaemonStatusCommand.self])

    @Option(name: .long, help: "The largest number of runs in progress at once.")
    var maxConcurrentRuns = 10

    @Option(
        name: .long,
        help: ArgumentHelp(
            "At most N runs in progress with a tag value (key=value:N), or per value of a tag (key:N); repeatable.",
            valueName: "key=value:N"))
    var tagLimit: [String] = []

    @Flag(name: .long, help: "Execute runs in this process instead of child processes.")
    var inProcess = false

    @Option(name: .long, help: "Milliseconds between two looks at the queue and at running runs.")
    var intervalMs = 1000

    @Option(name: .long, help: "Seconds a run may stay STARTING before it is marked failed.")
    var startingTimeout = 60

    @Option(name: .long, help: "Seconds without a heartbeat after which a run's worker is taken for dead.")
    var heartbeatTimeout = 20

    @Option(name: .long, help: "Milliseconds between two heartbeats of a run this daemon executes or launches.")
    var heartbeatIntervalMs = Int(RunHeartbeat.defaultInterval / .milliseconds(1))

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Re-execute a run whose worker died from its failure, at most N times per run.", valueName: "N"))
    var resumeDeadRuns = 0

    @OptionGroup var concurrency: ConcurrencyOptions

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard maxConcurrentRuns >= 1 else {
            throw ValidationError("--max-concurrent-runs must be at least 1, got \(maxConcurrentRuns)")
        }
        guard intervalMs >= 1 else { throw ValidationError("--interval-ms must be at least 1, got \(intervalMs)") }
        guard startingTimeout >= 1 else {
            throw ValidationError("--starting-timeout must be at least 1, got \(startingTimeout)")
        }
        guard heartbeatIntervalMs >= 1 else {
            throw ValidationError("--heartbeat-interval-ms must be at least 1, got \(heartbeatIntervalMs)")
        }
        guard heartbeatTimeout * 1000 > heartbeatIntervalMs else {
            throw ValidationError(
                "--heartbeat-timeout (\(heartbeatTimeout) s) must be longer than --heartbeat-interval-ms "
                    + "(\(heartbeatIntervalMs) ms), or every run would be taken for dead; a timeout of 3 to 4 "
                    + "intervals is usual")
        }
        guard resumeDeadRuns >= 0 else {
            throw ValidationError("--resume-dead-runs must not be negative, got \(resumeDeadRuns)")
        }
        _ = try tagLimits()
    }

    /// The `--tag-limit` options, parsed.
    func tagLimits() throws -> [TagConcurrencyLimit] {
        try tagLimit.map { text in
            guard let colon = text.lastIndex(of: ":"), let limit = Int(text[text.index(after: colon)...]), limit >= 0
            else {
                throw ValidationError(
                    "--tag-limit '\(text)' is not key=value:N or key:N (N a number, as in db=warehouse:2)")
            }
            let tag = text[..<colon]
            guard let equals = tag.firstIndex(of: "=") else {
                guard !tag.isEmpty else { throw ValidationError("--tag-limit '\(text)' has no tag key") }
                return TagConcurrencyLimit(key: String(tag), limit: limit)
            }
            guard equals != tag.startIndex else { throw ValidationError("--tag-limit '\(text)' has no tag key") }
            return TagConcurrencyLimit(
                key: String(tag[..<equals]), value: String(tag[tag.index(after: equals)...]), limit: limit)
        }
    }

    func run() async throws {
        _ = try validatedGraph()
        let storage = try options.openStorage()
        let logger = Logger(label: "cairn.daemon")
        let home = options.cairnHome
        let interval = Duration.milliseconds(intervalMs)
        let heartbeats = DaemonHeartbeatRecorder(storage: storage)
        let monitor = RunMonitorService(
            storage: storage, interval: interval, startingTimeout: .seconds(startingTimeout),
            heartbeatTimeout: .seconds(heartbeatTimeout), definitions: CodeLocation.definitions,
            maxResumeAttempts: resumeDeadRuns, heartbeats: heartbeats, logger: logger)
        let inProcessLauncher =
            inProcess
            ? InProcessRunLauncher(
                definitions: CodeLocation.definitions, storage: storage,
                defaultIOManager: JSONFileIOManager(directory: home.storageDirectory),
                maxConcurrency: concurrency.maxConcurrency, heartbeatInterval: .milliseconds(heartbeatIntervalMs),
                observer: { record in
                    guard record.event.type.runStatus?.isTerminal == true else { return }
                    logger.info("Run \(record.event.runID) \(record.event.type.runStatus?.rawValue ?? "")")
                })
            : nil
        let launcher: any RunLauncher =
            inProcessLauncher
            ?? ChildProcessRunLauncher(
                storage: storage, home: home.path,
                extraArguments: [
                    "--max-concurrency", String(concurrency.maxConcurrency),
                    "--heartbeat-interval-ms", String(heartbeatIntervalMs),
                ], onWorkerDeath: { await monitor.resumeDeadRun($0) }, logger: logger)
        let policy = RunQueuePolicy(maxConcurrentRuns: maxConcurrentRuns, tagConcurrencyLimits: try tagLimits())
        let coordinator = RunCoordinatorService(
            storage: storage, launcher: launcher, policy: policy, interval: interval, heartbeats: heartbeats,
            logger: logger)
        let backfills = BackfillService(
            driver: BackfillDriver(
                definitions: CodeLocation.definitions, storage: storage,
                defaultIOManager: JSONFileIOManager(directory: home.storageDirectory),
                maxConcurrentRuns: maxConcurrentRuns, maxConcurrency: concurrency.maxConcurrency),
            interval: interval, heartbeats: heartbeats, logger: logger)
        let schedules = ScheduleService(
            definitions: CodeLocation.definitions, storage: storage, interval: interval, heartbeats: heartbeats,
            logger: logger)
        let sensors = SensorService(
            definitions: CodeLocation.definitions, storage: storage, interval: interval, heartbeats: heartbeats,
            logger: logger)
        var services: [any Service] = [coordinator, monitor, backfills, schedules, sensors]
        if CodeLocation.definitions.assets.contains(where: { $0.specs.contains { $0.automationCondition != nil } }) {
            services.append(
                try AutomationService(
                    definitions: CodeLocation.definitions, storage: storage, interval: interval, heartbeats: heartbeats,
                    logger: logger))
        }
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger)
        print(
            "Cairn daemon \(heartbeats.daemonID.short) started (pid \(getpid())): runs \(inProcess ? "in-process" : "as child processes"), "
                + "at most \(maxConcurrentRuns) at once, home \(home.path). Stop with Ctrl-C.")
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
        print("Cairn daemon stopped.")
    }
}
