import ArgumentParser
import Cairn
import Foundation

/// `daemon status`: the heartbeat of each service of each daemon sharing the home, and whether it
/// is healthy; exits non-zero when no daemon is, for health checks.
struct DaemonStatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the heartbeat of each daemon service; exit non-zero when no daemon is healthy.",
        discussion: """
            Each service of a running daemon (run_queue, run_monitoring, backfills, schedules, \
            sensors) records a heartbeat after each round. A service is healthy when its latest \
            heartbeat is younger than --unhealthy-after seconds; a daemon is healthy when all its \
            services are. A daemon that stopped cleanly removed its heartbeats; one that was killed \
            shows as unhealthy: at once when it ran on this host, whose processes are checked. \
            KIND is worker for a process that only launches queued runs ('worker'). ROLE tells which \
            daemon runs each service now, the one holding its lease (active); the others stand by, \
            ready to take over. Every daemon and worker shares the run queue; backfills are shared \
            out one per daemon.
            """)

    @Option(name: .long, help: "Seconds without a heartbeat after which a service is unhealthy.")
    var unhealthyAfter = Int(DaemonHeartbeat.defaultUnhealthyAfter)

    @OptionGroup var options: HomeOptions

    func validate() throws {
        guard unhealthyAfter >= 1 else {
            throw ValidationError("--unhealthy-after must be at least 1, got \(unhealthyAfter)")
        }
    }

    func run() async throws {
        let storage = try await options.openStorage()
        let heartbeats = try await storage.daemonHeartbeats()
        guard !heartbeats.isEmpty else {
            print(
                "No daemon is running: no daemon heartbeat in \(try options.storageChoice()). Start one with 'daemon'.")
            throw ExitCode.failure
        }
        let now = Date()
        let isHealthy = { (heartbeat: DaemonHeartbeat) in
            heartbeat.isHealthy(at: now, unhealthyAfter: Double(unhealthyAfter))
        }
        let byDaemon = Dictionary(grouping: heartbeats, by: \.daemonID)
        let daemons = byDaemon.keys.sorted {
            (byDaemon[$0]?.map(\.timestamp).max() ?? .distantPast)
                > (byDaemon[$1]?.map(\.timestamp).max() ?? .distantPast)
        }
        let leases = Dictionary(
            try await storage.leases().filter { $0.expiresAt > now }.map { ($0.name, $0.holder) }
        ) { first, _ in first }
        var table = TextTable(header: [
            "DAEMON", "KIND", "SERVICE", "ROLE", "PROCESS", "LAST HEARTBEAT", "HEALTH", "LAST ERROR",
        ])
        for daemon in daemons {
            let services = (byDaemon[daemon] ?? []).sorted(by: { $0.service < $1.service })
            let kind = services.map(\.service) == ["run_queue"] ? "worker" : "daemon"
            for heartbeat in services {
                let role =
                    ["run_queue", "backfills"].contains(heartbeat.service)
                    ? "shared" : leases["daemon:" + heartbeat.service] == daemon.rawValue ? "active" : "standby"
                table.add([
                    daemon.short, kind, heartbeat.service, role, "pid \(heartbeat.pid) on \(heartbeat.host)",
                    "\(Int(max(0, now.timeIntervalSince(heartbeat.timestamp)).rounded())) s ago",
                    isHealthy(heartbeat)
                        ? "healthy" : heartbeat.isProcessGone ? "unhealthy (process gone)" : "unhealthy",
                    heartbeat.error ?? "-",
                ])
            }
        }
        print(table.rendered)
        let healthy = daemons.filter { byDaemon[$0]?.allSatisfy(isHealthy) == true }
        guard !healthy.isEmpty else {
            print(
                "No daemon is healthy: no heartbeat for more than \(unhealthyAfter) s. Is the daemon stopped or stuck?")
            throw ExitCode.failure
        }
        print("\(healthy.count) of \(daemons.count) daemon(s) healthy.")
    }
}
