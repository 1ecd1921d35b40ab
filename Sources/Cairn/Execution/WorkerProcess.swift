import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process that executes a run, recorded in the run's tags so that a run whose process died
/// can be recognised as dead rather than left running forever.
struct WorkerProcess: Hashable, Sendable {
    /// The process id.
    let pid: Int32
    /// The host name.
    let host: String

    /// The tag keys that hold the process id and host.
    static let pidTag = "cairn/worker_pid"
    static let hostTag = "cairn/worker_host"

    /// This process.
    static var current: WorkerProcess {
        WorkerProcess(pid: getpid(), host: ProcessInfo.processInfo.hostName)
    }

    /// The tags that record the process on a run.
    var tags: [String: String] { [Self.pidTag: String(pid), Self.hostTag: host] }

    /// Whether the process still exists; a process on another host is assumed alive.
    var isAlive: Bool {
        guard host == ProcessInfo.processInfo.hostName else { return true }
        return kill(pid, 0) == 0 || errno != ESRCH
    }
}

extension Run {
    /// The process recorded as executing the run, if any.
    var worker: WorkerProcess? {
        guard let pid = tags[WorkerProcess.pidTag].flatMap(Int32.init), let host = tags[WorkerProcess.hostTag] else {
            return nil
        }
        return WorkerProcess(pid: pid, host: host)
    }
}
