import Cairn
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Records the heartbeats of one daemon process's services: after each round, its service's
/// time and error, under the daemon's random id, so that `daemon status` can tell which daemons
/// are alive.
///
/// ```swift
/// let heartbeats = DaemonHeartbeatRecorder(storage: storage)
/// let monitor = RunMonitorService(storage: storage, heartbeats: heartbeats)
/// ```
public struct DaemonHeartbeatRecorder: Sendable {
    /// Where the heartbeats go.
    public let storage: any HeartbeatStorage
    /// The daemon process, random for each start.
    public let daemonID: DaemonID
    /// The host the daemon runs on.
    public let host: String
    /// The daemon's process id.
    public let pid: Int32
    private let now: @Sendable () -> Date

    /// Creates a recorder for this process, or for the process described.
    ///
    /// - Parameter now: the time of each heartbeat.
    public init(
        storage: any HeartbeatStorage, daemonID: DaemonID = .random(), host: String = ProcessInfo.processInfo.hostName,
        pid: Int32 = getpid(), now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.storage = storage
        self.daemonID = daemonID
        self.host = host
        self.pid = pid
        self.now = now
    }

    /// Records that `service` finished a round, with the error of that round or `nil`.
    public func record(service: String, error: (any Error)?) async throws {
        try await storage.recordDaemonHeartbeat(
            DaemonHeartbeat(
                daemonID: daemonID, service: service, host: host, pid: pid, timestamp: now(),
                error: error.map { "\($0)" }))
    }

    /// Removes this daemon's heartbeats, as it stops cleanly.
    public func remove() async throws {
        try await storage.removeDaemonHeartbeats(of: daemonID)
    }
}
