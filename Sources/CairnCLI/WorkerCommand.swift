import ArgumentParser
import Cairn
import Foundation

/// `worker`: pulls queued runs and executes each as a child process, on any host that shares the
/// storage, until SIGINT or SIGTERM.
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Pull queued runs and execute them as child processes, on any host sharing the storage.",
        discussion: """
            A worker is a daemon that runs only the run queue: it claims queued runs, highest \
            'dagster/priority' tag first, within the queue's limits (--max-concurrent-runs, \
            --tag-limit: give every worker and daemon the same), at most --max-runs of its own at \
            once, and executes each as a child process ('execute-run <id>'). Workers and daemons claim \
            one at a time (a lease), so the limits hold across hosts. On PostgreSQL a run queued on \
            any host wakes the workers at once (LISTEN/NOTIFY). Each run's process heartbeats; a \
            worker that dies leaves its runs to run monitoring (a daemon's), which marks them failed \
            after --heartbeat-timeout and, with 'daemon --resume-dead-runs N', re-executes them. \
            Values go through the IO managers: share them across hosts with a PostgreSQL table IO \
            manager, or JSON/CSV files on a directory every host mounts at the same path (--home).
            """)

    @Option(name: .long, help: "The largest number of runs this worker executes at once.")
    var maxRuns = 4

    @OptionGroup var daemon: DaemonOptions

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard (1...1_000).contains(maxRuns) else {
            throw ValidationError("--max-runs must be between 1 and 1000 runs at once, got \(maxRuns)")
        }
        guard daemon.services == nil else {
            throw ValidationError("a worker runs the run queue only; for other services, run 'daemon --services'")
        }
        guard !daemon.inProcess else {
            throw ValidationError("a worker executes runs as child processes; --in-process is for 'daemon'")
        }
    }

    func run() async throws {
        _ = try validatedGraph()
        var options = daemon
        options.services = "run_queue"
        try await LocalDaemon(options: options, home: self.options, capacity: maxRuns).run { id in
            "Cairn worker \(id.short) started (pid \(getpid()) on \(ProcessInfo.processInfo.hostName)): at most "
                + "\(maxRuns) run(s) at once, storage \((try? self.options.storageChoice())?.description ?? "?"). "
                + "Stop with Ctrl-C."
        }
        print("Cairn worker stopped.")
    }
}
