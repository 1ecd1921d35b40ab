import Foundation

/// A sign of life of one service of a daemon (the run queue, run monitoring, schedules…), written
/// after each of its rounds; `daemon status` reads them to tell healthy daemons from dead ones.
public struct DaemonHeartbeat: Hashable, Sendable {
    /// The daemon process.
    public var daemonID: DaemonID
    /// The service's name, such as `runs` or `schedules`.
    public var service: String
    /// The host the daemon runs on.
    public var host: String
    /// The daemon's process id.
    public var pid: Int32
    /// When the service last finished a round.
    public var timestamp: Date
    /// The error of the service's last round, or `nil` when it succeeded.
    public var error: String?

    /// Creates a heartbeat.
    public init(
        daemonID: DaemonID, service: String, host: String, pid: Int32, timestamp: Date = Date(), error: String? = nil
    ) {
        self.daemonID = daemonID
        self.service = service
        self.host = host
        self.pid = pid
        self.timestamp = timestamp
        self.error = error
    }

    /// Seconds without a heartbeat after which a service counts as unhealthy, unless told otherwise.
    public static let defaultUnhealthyAfter: TimeInterval = 60

    /// Whether the service recorded this heartbeat at most `unhealthyAfter` seconds before `now`,
    /// and its daemon's process still exists when it runs on this host (a daemon killed with
    /// SIGKILL is unhealthy at once, not a minute later); its last error, if any, is shown beside
    /// and does not make it unhealthy.
    public func isHealthy(at now: Date, unhealthyAfter: TimeInterval = defaultUnhealthyAfter) -> Bool {
        now.timeIntervalSince(timestamp) <= unhealthyAfter && !isProcessGone
    }

    /// Whether the daemon's process ran on this host and is gone.
    public var isProcessGone: Bool {
        let process = RunWorker(pid: pid, host: host)
        return process.isLocal && !process.isAlive
    }
}
