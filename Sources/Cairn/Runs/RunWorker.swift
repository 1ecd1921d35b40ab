import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process that runs a run, as recorded in the event log: in the metadata of its RUN_STARTING
/// (the process that claimed it), of an ENGINE_EVENT (a launched child process, or `execute-run`
/// itself), or in the run's tags (`materialize` in the foreground).
public struct RunWorker: Hashable, Sendable, CustomStringConvertible {
    /// The process id.
    public var pid: Int32
    /// The name of the host the process runs on.
    public var host: String

    /// The metadata and tag key of the process id.
    public static let pidKey = "cairn/worker_pid"
    /// The metadata and tag key of the host name.
    public static let hostKey = "cairn/worker_host"

    /// Creates a worker record.
    public init(pid: Int32, host: String) {
        self.pid = pid
        self.host = host
    }

    /// This process.
    public static var current: RunWorker {
        RunWorker(pid: getpid(), host: ProcessInfo.processInfo.hostName)
    }

    /// The event metadata that records this worker.
    public var metadata: Metadata {
        [Self.pidKey: .int(Int(pid)), Self.hostKey: .text(host)]
    }

    /// The run tags that record this worker, for runs executed by the process that creates them.
    public var tags: [String: String] { [Self.pidKey: String(pid), Self.hostKey: host] }

    /// Whether the process runs on this host.
    public var isLocal: Bool { host == ProcessInfo.processInfo.hostName }

    /// Whether the process still exists; a process on another host is assumed alive.
    public var isAlive: Bool {
        guard isLocal else { return true }
        return kill(pid, 0) == 0 || errno != ESRCH
    }

    /// `pid N on host`.
    public var description: String { "pid \(pid) on \(host)" }

    /// The worker recorded by an event (RUN_STARTING or ENGINE_EVENT metadata), if any.
    public init?(recordedBy event: Event) {
        guard event.type == .runStarting || event.type == .engineEvent,
            case .int(let pid)? = event.metadata[Self.pidKey], case .text(let host)? = event.metadata[Self.hostKey],
            let pid = Int32(exactly: pid)
        else { return nil }
        self.init(pid: pid, host: host)
    }

    /// The worker recorded in a run's tags, if any.
    public init?(tagsOf run: Run) {
        guard let pid = run.tags[Self.pidKey].flatMap(Int32.init), let host = run.tags[Self.hostKey] else { return nil }
        self.init(pid: pid, host: host)
    }

    /// The latest worker recorded for a run, reading all of its events.
    ///
    /// - Parameter executingOnly: only a process that executes the run itself (ENGINE_EVENT or
    ///   tags), not one that claimed it and executes it in-process among others (a daemon).
    public static func latest(
        of run: Run, in storage: any EventLogStorage, executingOnly: Bool = false
    ) async throws -> RunWorker? {
        var latest = RunWorker(tagsOf: run)
        var cursor: Int64?
        while true {
            let page = try await storage.events(ofRun: run.id, after: cursor, limit: 1000)
            for record in page where !executingOnly || record.event.type == .engineEvent {
                if let worker = RunWorker(recordedBy: record.event) { latest = worker }
            }
            guard page.count == 1000, let last = page.last else { return latest }
            cursor = last.id
        }
    }
}
