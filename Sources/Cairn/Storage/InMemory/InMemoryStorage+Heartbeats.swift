extension InMemoryStorage {
    /// Stores `heartbeat` as the latest of its run.
    public func recordRunHeartbeat(_ heartbeat: RunHeartbeat) async throws {
        state.withLock { $0.runHeartbeats[heartbeat.runID] = heartbeat }
    }

    /// The latest heartbeat of each of the given runs that has one.
    public func runHeartbeats(of runIDs: [RunID]) async throws -> [RunID: RunHeartbeat] {
        state.withLock { state in
            var found: [RunID: RunHeartbeat] = [:]
            for id in runIDs {
                if let heartbeat = state.runHeartbeats[id] { found[id] = heartbeat }
            }
            return found
        }
    }

    /// Stores `heartbeat` as the latest of its daemon's service.
    public func recordDaemonHeartbeat(_ heartbeat: DaemonHeartbeat) async throws {
        state.withLock { $0.daemonHeartbeats[DaemonServiceKey(heartbeat)] = heartbeat }
    }

    /// The latest heartbeat of every service of every daemon, newest first.
    public func daemonHeartbeats() async throws -> [DaemonHeartbeat] {
        state.withLock { state in
            state.daemonHeartbeats.values.sorted {
                ($0.timestamp, $1.daemonID, $1.service) > ($1.timestamp, $0.daemonID, $0.service)
            }
        }
    }

    /// Removes the heartbeats of a daemon.
    public func removeDaemonHeartbeats(of daemonID: DaemonID) async throws {
        state.withLock { state in
            state.daemonHeartbeats = state.daemonHeartbeats.filter { $0.key.daemonID != daemonID }
        }
    }
}

/// A daemon's service, under which its latest heartbeat is kept.
struct DaemonServiceKey: Hashable {
    /// The daemon process.
    let daemonID: DaemonID
    /// The service's name.
    let service: String

    /// The key of `heartbeat`.
    init(_ heartbeat: DaemonHeartbeat) {
        daemonID = heartbeat.daemonID
        service = heartbeat.service
    }
}
