import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Several test hosts on this machine: a network namespace each, joined to this one by a veth
/// link, with a host name of its own (a UTS namespace), reaching the PostgreSQL server of the
/// tests through their link. Where namespaces cannot be made (not root, no iproute2), the hosts
/// are processes of this network with their own host names where possible, reaching the server
/// on the loopback addresses 127.0.0.N, and `fallback` says why.
final class TestHosts: @unchecked Sendable {
    /// The hosts' names: `host-a`, `host-b`…
    let names: [String]
    /// Why the hosts are not network namespaces, when they are not.
    let fallback: String?
    private let namespaces: [String]
    private var processes: [Process] = []

    init(count: Int) {
        names = (0..<count).map { "host-" + String(UnicodeScalar(UInt8(97 + $0))) }
        let prefix = "cairn" + String(UUID().uuidString.prefix(6)).lowercased()
        var made: [String] = []
        var failure: String?
        for index in 0..<count {
            let namespace = "\(prefix)\(index)"
            let subnet = "10.\(200 + index).\(Int.random(in: 1...250))"
            let steps = [
                ["ip", "netns", "add", namespace],
                ["ip", "link", "add", "\(namespace)h", "type", "veth", "peer", "name", "\(namespace)n"],
                ["ip", "link", "set", "\(namespace)n", "netns", namespace],
                ["ip", "addr", "add", "\(subnet).1/24", "dev", "\(namespace)h"],
                ["ip", "link", "set", "\(namespace)h", "up"],
                ["ip", "netns", "exec", namespace, "ip", "addr", "add", "\(subnet).2/24", "dev", "\(namespace)n"],
                ["ip", "netns", "exec", namespace, "ip", "link", "set", "\(namespace)n", "up"],
                ["ip", "netns", "exec", namespace, "ip", "link", "set", "lo", "up"],
            ]
            made.append(namespace)
            for step in steps {
                let (status, output) = Self.execute(step)
                if status != 0 {
                    failure =
                        "`\(step.joined(separator: " "))` failed: \(output.trimmingCharacters(in: .whitespacesAndNewlines))"
                    break
                }
            }
            if failure != nil { break }
        }
        if let failure {
            for namespace in made { Self.removeNamespace(namespace) }
            namespaces = []
            fallback = failure
        } else {
            namespaces = made
            fallback = nil
        }
    }

    /// The address host `index` reaches the tests' PostgreSQL server at: this side of its link.
    func serverAddress(from index: Int) -> String {
        guard !namespaces.isEmpty else { return "127.0.0.\(index + 2)" }
        let (_, output) = Self.execute(["ip", "-4", "-o", "addr", "show", "dev", "\(namespaces[index])h"])
        let field = output.split(separator: " ").first { $0.contains("/24") } ?? ""
        return String(field.split(separator: "/")[0])
    }

    /// Starts `executable arguments` on host `index`, its output going to `log`.
    func start(
        on index: Int, _ executable: URL, _ arguments: [String], environment: [String: String], log: URL
    ) throws -> Process {
        let process = Process()
        var command = [executable.path] + arguments
        // A host name of its own, where a UTS namespace can be made (root).
        if Self.execute(["unshare", "--uts", "true"]).0 == 0 {
            command = ["unshare", "--uts", "/bin/sh", "-c", "hostname \(names[index]) && exec \"$0\" \"$@\""] + command
        }
        if !namespaces.isEmpty { command = ["ip", "netns", "exec", namespaces[index]] + command }
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.environment = environment
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
        processes.append(process)
        return process
    }

    /// Sends `signal` to `process` and every process it started, the parent first.
    static func signalTree(of process: Process, _ signal: Int32) {
        for pid in [process.processIdentifier] + descendants(of: process.processIdentifier) { kill(pid, signal) }
    }

    /// Every process below `pid`, read from /proc.
    static func descendants(of pid: Int32) -> [Int32] {
        var children: [Int32: [Int32]] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let parent = Int32(fields[1]) { children[parent, default: []].append(child) }
        }
        var found: [Int32] = []
        var pending = [pid]
        while let next = pending.popLast() {
            for child in children[next] ?? [] {
                found.append(child)
                pending.append(child)
            }
        }
        return found
    }

    /// Kills every process started, with what they started, and removes the namespaces.
    func remove() {
        for process in processes where process.isRunning { Self.signalTree(of: process, SIGKILL) }
        for process in processes { process.waitUntilExit() }
        for namespace in namespaces { Self.removeNamespace(namespace) }
    }

    private static func removeNamespace(_ namespace: String) {
        _ = execute(["ip", "link", "del", "\(namespace)h"])
        _ = execute(["ip", "netns", "del", namespace])
    }

    /// Runs a command to its end; its status and output.
    @discardableResult
    static func execute(_ command: [String]) -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do { try process.run() } catch { return (-1, "\(error)") }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
