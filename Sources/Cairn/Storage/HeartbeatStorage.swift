/// Storage of heartbeats: the latest one of each run's worker, and of each service of each daemon.
public protocol HeartbeatStorage: Sendable {
    /// Stores `heartbeat` as the latest of its run, replacing the previous one.
    func recordRunHeartbeat(_ heartbeat: RunHeartbeat) async throws

    /// The latest heartbeat of each of the given runs that has one.
    func runHeartbeats(of runIDs: [RunID]) async throws -> [RunID: RunHeartbeat]

    /// Stores `heartbeat` as the latest of its daemon's service, replacing the previous one.
    func recordDaemonHeartbeat(_ heartbeat: DaemonHeartbeat) async throws

    /// The latest heartbeat of every service of every daemon, newest first.
    func daemonHeartbeats() async throws -> [DaemonHeartbeat]

    /// Removes the heartbeats of a daemon, as it does when it stops cleanly.
    func removeDaemonHeartbeats(of daemonID: DaemonID) async throws
}
