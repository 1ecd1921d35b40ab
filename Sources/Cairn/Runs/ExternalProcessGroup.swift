import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The process group of an external process a step started (Pipes, a command, dbt), as its
/// ENGINE_EVENT records it: so that when the run's own process dies or is killed (declared dead,
/// terminated while gone), the processes it started do not go on alone.
public struct ExternalProcessGroup: Hashable, Sendable, CustomStringConvertible {
    /// The group's id: its first process's pid.
    public var id: Int32
    /// The host it runs on.
    public var host: String
    /// When its first process started, in clock ticks since boot (`/proc/<pid>/stat`), which
    /// tells it from a later process that reuses the pid.
    public var startTicks: UInt64

    /// The metadata keys of the ENGINE_EVENT that records a group.
    public static let idKey = "cairn/process_group"
    /// The key of the group's host.
    public static let hostKey = "cairn/process_group_host"
    /// The key of its first process's start time.
    public static let startKey = "cairn/process_group_start"

    /// The group of process `pid` on this host, which leads it.
    public init?(leader pid: Int32) {
        guard let ticks = Self.startTicks(of: pid) else { return nil }
        self.init(id: pid, host: ProcessInfo.processInfo.hostName, startTicks: ticks)
    }

    /// A group.
    public init(id: Int32, host: String, startTicks: UInt64) {
        self.id = id
        self.host = host
        self.startTicks = startTicks
    }

    /// The group an event records, if any.
    public init?(recordedBy event: Event) {
        guard event.type == .engineEvent, case .int(let id)? = event.metadata[Self.idKey],
            case .text(let host)? = event.metadata[Self.hostKey],
            case .text(let start)? = event.metadata[Self.startKey],
            let id = Int32(exactly: id), let ticks = UInt64(start)
        else { return nil }
        self.init(id: id, host: host, startTicks: ticks)
    }

    /// The metadata that records the group.
    public var metadata: Metadata {
        [Self.idKey: .int(Int(id)), Self.hostKey: .text(host), Self.startKey: .text(String(startTicks))]
    }

    /// `process group N on host`.
    public var description: String { "process group \(id) on \(host)" }

    /// Kills the group with SIGKILL when it runs on this host and is still the one recorded: its
    /// leader has the recorded start time, or the leader is gone and members remain (Linux never
    /// gives a pid that is a living group's id to a new process).
    ///
    /// - Returns: whether a signal was sent.
    @discardableResult
    public func killIfLeft() -> Bool {
        guard host == ProcessInfo.processInfo.hostName, id > 1, id != getpgrp() else { return false }
        if let ticks = Self.startTicks(of: id), ticks != startTicks { return false }
        return kill(-id, SIGKILL) == 0
    }

    /// Kills the groups a run's steps recorded that are still there on this host.
    ///
    /// - Returns: the groups killed.
    @discardableResult
    public static func killLeftovers(of run: RunID, in storage: any EventLogStorage) async -> [ExternalProcessGroup] {
        var groups: [ExternalProcessGroup] = []
        var cursor: Int64?
        while let page = try? await storage.events(ofRun: run, after: cursor, limit: 1000) {
            groups += page.compactMap { ExternalProcessGroup(recordedBy: $0.event) }
            guard page.count == 1000, let last = page.last else { break }
            cursor = last.id
        }
        return groups.filter { $0.killIfLeft() }
    }

    /// Field 22 of `/proc/<pid>/stat`: the process's start time; `nil` when it does not exist.
    static func startTicks(of pid: Int32) -> UInt64? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat"),
            let text = String(data: data, encoding: .utf8), let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // Fields after the command: state (3), ppid (4), ... starttime (22).
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}
