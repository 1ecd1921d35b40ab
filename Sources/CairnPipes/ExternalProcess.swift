import Cairn
import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Receives what an external process writes, on the thread that watches the process.
package protocol ExternalProcessReader: AnyObject, SendableMetatype {
    /// Bytes the process wrote to one of its streams.
    func received(_ bytes: UnsafeBufferPointer<UInt8>, from stream: CapturedStream)
    /// Called at least every 50 ms while the process runs, and once more after it exited.
    func tick()
    /// Called once, after the process exited and its streams were read to their end.
    func finish()
}

/// How an external process ended.
package struct ProcessExit: Sendable {
    /// The exit status, when the process exited by itself.
    package var status: Int32?
    /// The signal that killed it, when one did.
    package var signal: Int32?
    /// Whether processes it started were still running in its process group after it exited.
    package var leftProcessesBehind: Bool
    /// Whether it ended because the step was canceled.
    package var wasInterrupted: Bool
    /// How long it ran.
    package var duration: Duration

    /// Whether it exited with status 0.
    package var succeeded: Bool { status == 0 }

    /// `exited with status 2`, `was killed by signal 9 (SIGKILL)`.
    package var description: String {
        if let status { return "exited with status \(status)" }
        let number = signal ?? 0
        let name: String =
            switch number {
            case SIGINT: " (SIGINT)"
            case SIGKILL: " (SIGKILL)"
            case SIGTERM: " (SIGTERM)"
            case SIGSEGV: " (SIGSEGV)"
            case SIGABRT: " (SIGABRT)"
            default: ""
            }
        return "was killed by signal \(number)\(name)"
    }
}

/// Why an external process could not be started.
public struct ProcessLaunchError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, and how to fix it.
    public let description: String
}

/// Runs an external process in a process group of its own, reads its output and watches it on
/// a thread of its own, and interrupts the whole group when the task awaiting it is canceled:
/// SIGINT first (Python raises `KeyboardInterrupt`, so `dagster-pipes` reports `closed`), then
/// SIGKILL once the grace period has passed.
package struct ExternalProcess {
    /// The command: the executable (looked up on `PATH` when it has no `/`) and its arguments.
    package var command: [String]
    /// The complete environment of the process.
    package var environment: [String: String]
    /// The working directory; this process's when `nil`.
    package var workingDirectory: String?
    /// How long an interrupted process has to exit before its group is killed.
    package var terminationGrace: Duration
    /// The step that runs the process, which records its process group as soon as it started.
    package var context: AssetContext?

    /// Describes a process to run.
    package init(
        command: [String], environment: [String: String], workingDirectory: String?, terminationGrace: Duration,
        context: AssetContext? = nil
    ) {
        self.context = context
        self.command = command
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.terminationGrace = terminationGrace
    }

    /// Starts the process and waits until it exited and its output was read, handing what it
    /// writes to the reader that `makeReader` creates on the watching thread; returns how it
    /// ended and what `outcome` makes of the reader then.
    ///
    /// - Throws: `ProcessLaunchError` when it cannot be started; `CancellationError` when the
    ///   task was canceled before it started.
    package func run<Reader: ExternalProcessReader, Outcome: Sendable>(
        reader makeReader: @escaping @Sendable () -> Reader, outcome: @escaping @Sendable (Reader) -> Outcome
    ) async throws -> (exit: ProcessExit, outcome: Outcome) {
        try Task.checkCancellation()
        let launched = try launch()
        if let context, let group = ExternalProcessGroup(leader: launched.pid) {
            context.recordEngineEvent(
                "Started `\(command.shellQuoted)` as \(group)", level: .debug, metadata: group.metadata)
        }
        let control = ProcessControl(pid: launched.pid, grace: terminationGrace)
        RunningProcessGroups.shared.insert(launched.pid)
        defer { RunningProcessGroups.shared.remove(launched.pid) }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let thread = Thread {
                    let reader = makeReader()
                    let exit = Self.watch(launched, control: control, reader: reader)
                    continuation.resume(returning: (exit, outcome(reader)))
                }
                thread.name = "cairn-process-\(launched.pid)"
                thread.start()
            }
        } onCancel: {
            control.interrupt()
        }
    }

    /// A started process: its id (also its process group's) and the read ends of its pipes.
    private struct Launched: Sendable {
        let pid: pid_t
        let stdout: Int32
        let stderr: Int32
        let start: ContinuousClock.Instant
    }

    private func launch() throws(ProcessLaunchError) -> Launched {
        guard let name = command.first, !name.isEmpty else {
            throw ProcessLaunchError(description: "the command is empty; give the executable and its arguments")
        }
        let executable = try resolve(name)
        var stdoutPipe: [Int32] = [-1, -1]
        var stderrPipe: [Int32] = [-1, -1]
        guard ProcessCalls.pipe2(&stdoutPipe, O_CLOEXEC) == 0 else { throw pipeError() }
        guard ProcessCalls.pipe2(&stderrPipe, O_CLOEXEC) == 0 else {
            close(stdoutPipe[0])
            close(stdoutPipe[1])
            throw pipeError()
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, stderrPipe[1], 2)
        if let workingDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: workingDirectory, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                for fd in stdoutPipe + stderrPipe { close(fd) }
                throw launchError(
                    "the working directory '\(workingDirectory)' of `\(command.shellQuoted)` does not exist")
            }
            guard ProcessCalls.addChangeDirectory(&actions, workingDirectory) else {
                for fd in stdoutPipe + stderrPipe { close(fd) }
                throw launchError(
                    "this C library cannot start a process in another directory (glibc 2.29 or newer can)")
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A group of its own, so that terminating it reaches what it starts (a JVM, workers);
        // default signal handling and no blocked signals, whatever this process ignores.
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigfillset(&defaults)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var noneBlocked = sigset_t()
        sigemptyset(&noneBlocked)
        posix_spawnattr_setsigmask(&attributes, &noneBlocked)
        posix_spawnattr_setflags(
            &attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let arguments = [executable] + command.dropFirst()
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        close(stdoutPipe[1])
        close(stderrPipe[1])
        guard result == 0 else {
            close(stdoutPipe[0])
            close(stderrPipe[0])
            throw launchError("cannot start '\(name)': \(String(cString: strerror(result)))")
        }
        return Launched(pid: pid, stdout: stdoutPipe[0], stderr: stderrPipe[0], start: .now)
    }

    /// The path of the executable: `name` itself when it has a `/`, else the first match on
    /// the process's `PATH`.
    private func resolve(_ name: String) throws(ProcessLaunchError) -> String {
        if name.contains("/") {
            let path =
                name.hasPrefix("/") || workingDirectory == nil ? name : "\(workingDirectory!)/\(name)"
            guard access(path, X_OK) == 0 else {
                throw launchError("'\(name)' is not an executable file (\(String(cString: strerror(errno))))")
            }
            return name
        }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            var status = stat()
            if access(candidate, X_OK) == 0, stat(candidate, &status) == 0, status.st_mode & S_IFMT == S_IFREG {
                return candidate
            }
        }
        throw launchError("'\(name)' was not found on PATH (\(path)); install it or give its full path")
    }

    /// Why a pipe for the output could not be made, with the usual cure.
    private func pipeError() -> ProcessLaunchError {
        launchError(
            "cannot create a pipe for the output of `\(command.shellQuoted)`: \(String(cString: strerror(errno)))"
                + (errno == EMFILE || errno == ENFILE ? "; too many files are open: raise `ulimit -n`" : ""))
    }

    private func launchError(_ message: String) -> ProcessLaunchError {
        ProcessLaunchError(description: message)
    }

    /// Reads the process's streams until it exited and they ended, on the calling thread.
    private static func watch(_ launched: Launched, control: ProcessControl, reader: any ExternalProcessReader)
        -> ProcessExit
    {
        var open: [(fd: Int32, stream: CapturedStream)] = [(launched.stdout, .stdout), (launched.stderr, .stderr)]
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 65_536)
        defer { buffer.deallocate() }
        // Polled with the pipes, so that the exit is seen at once rather than at the next tick.
        let exitDescriptor = ProcessCalls.pidfdOpen(launched.pid)
        defer { if let exitDescriptor { close(exitDescriptor) } }
        var rawStatus: Int32 = 0
        var exitedAt: ContinuousClock.Instant?
        /// How long the streams are read after the process exited, when processes it started
        /// keep them open.
        let drainAfterExit = Duration.seconds(2)
        while true {
            var descriptors = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if exitedAt == nil, let exitDescriptor {
                descriptors.append(pollfd(fd: exitDescriptor, events: Int16(POLLIN), revents: 0))
            }
            // Without a pidfd, an exit is noticed within 5 ms once the pipes are closed.
            let timeout: Int32 = exitDescriptor == nil && open.isEmpty ? 5 : 50
            if poll(&descriptors, nfds_t(descriptors.count), timeout) > 0 {
                var ended: Set<Int32> = []
                for descriptor in descriptors where descriptor.revents != 0 {
                    guard let stream = open.first(where: { $0.fd == descriptor.fd })?.stream else { continue }
                    let count = read(descriptor.fd, buffer.baseAddress, buffer.count)
                    if count > 0 {
                        reader.received(UnsafeBufferPointer(rebasing: buffer[..<count]), from: stream)
                    } else if count == 0 || (errno != EINTR && errno != EAGAIN) {
                        ended.insert(descriptor.fd)
                    }
                }
                for fd in ended { close(fd) }
                open.removeAll { ended.contains($0.fd) }
            }
            reader.tick()
            if exitedAt == nil {
                let reaped = waitpid(launched.pid, &rawStatus, WNOHANG)
                // ECHILD: something else reaped it (SIGCHLD ignored); its status is lost.
                if reaped == launched.pid || (reaped == -1 && errno == ECHILD) {
                    if reaped == -1 { rawStatus = 0x7F }
                    exitedAt = .now
                    control.markExited()
                }
            }
            control.escalateIfOverdue()
            if let exitedAt, open.isEmpty || ContinuousClock.now - exitedAt > drainAfterExit { break }
        }
        for (fd, _) in open { close(fd) }
        let interrupted = control.wasInterrupted
        // What the process started is still in its group: killed when the step was canceled,
        // reported otherwise.
        let leftovers = kill(-launched.pid, 0) == 0
        if interrupted, leftovers { kill(-launched.pid, SIGKILL) }
        reader.tick()
        reader.finish()
        let signaled = rawStatus & 0x7F != 0
        return ProcessExit(
            status: signaled ? nil : (rawStatus >> 8) & 0xFF, signal: signaled ? rawStatus & 0x7F : nil,
            leftProcessesBehind: leftovers && !interrupted, wasInterrupted: interrupted,
            duration: ContinuousClock.now - launched.start)
    }
}

/// Interrupts a running process group once, and kills it when it outlives the grace period.
private final class ProcessControl: Sendable {
    private struct State {
        var interruptedAt: ContinuousClock.Instant?
        var killed = false
        var exited = false
    }

    private let pid: pid_t
    private let grace: Duration
    private let state = Mutex(State())

    init(pid: pid_t, grace: Duration) {
        self.pid = pid
        self.grace = grace
    }

    /// Sends SIGINT to the group, the first time.
    func interrupt() {
        state.withLock { state in
            guard state.interruptedAt == nil, !state.exited else { return }
            state.interruptedAt = .now
            kill(-pid, SIGINT)
        }
    }

    /// Sends SIGKILL to the group once the grace period after the interrupt has passed.
    func escalateIfOverdue() {
        state.withLock { state in
            guard let interruptedAt = state.interruptedAt, !state.killed,
                ContinuousClock.now - interruptedAt > grace
            else { return }
            state.killed = true
            kill(-pid, SIGKILL)
        }
    }

    /// Notes that the process exited (and was reaped): its id may be reused from now on.
    func markExited() {
        state.withLock { $0.exited = true }
    }

    /// Whether the group was interrupted.
    var wasInterrupted: Bool { state.withLock { $0.interruptedAt != nil } }
}
