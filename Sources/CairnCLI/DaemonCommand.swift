import ArgumentParser
import Cairn
import CairnWeb
import Foundation

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

    @OptionGroup var daemon: DaemonOptions

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Serve Prometheus metrics at http://127.0.0.1:PORT/metrics (0 picks a free port).", valueName: "port"))
    var metricsPort: Int?

    @Option(name: .long, help: "The address the metrics are served on (with --metrics-port).")
    var metricsHost = "127.0.0.1"

    @OptionGroup var options: HomeOptions

    func validate() throws {
        if let metricsPort, !(0...65535).contains(metricsPort) {
            throw ValidationError("--metrics-port must be between 0 and 65535, got \(metricsPort)")
        }
    }

    func run() async throws {
        _ = try validatedGraph()
        let metrics = metricsPort.map { MetricsEndpoint(host: metricsHost, port: $0) }
        if metrics != nil, !WebConfiguration(host: metricsHost).isLoopback {
            print(
                "Warning: metrics are served on \(metricsHost) without credentials: whoever reaches it reads the "
                    + "names of jobs, schedules and sensors and the counts of runs. Keep it behind a firewall, or "
                    + "serve them from 'webserver' with CAIRN_WEB_TOKEN set instead.")
        }
        try await LocalDaemon(options: daemon, home: options, metrics: metrics).run { id in
            "Cairn daemon \(id.short) started (pid \(getpid())): runs "
                + "\(daemon.inProcess ? "in-process" : "as child processes"), at most \(daemon.maxConcurrentRuns) "
                + "at once, home \(options.cairnHome.path). Stop with Ctrl-C."
        }
        print("Cairn daemon stopped.")
    }
}
