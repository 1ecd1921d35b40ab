#if canImport(Glibc)
    @preconcurrency import Glibc

    /// The calls `ExternalProcess` makes that Swift's Glibc module leaves out (they need
    /// `_GNU_SOURCE`): looked up once with `dlsym`, called with the C calling convention.
    enum ProcessCalls {
        private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
        private typealias AddChdir =
            @convention(c) (
                UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>
            ) -> Int32

        private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32

        private static let pidfdOpenFunction = dlsym(nil, "pidfd_open").map { unsafeBitCast($0, to: PidfdOpen.self) }
        private static let pipe2Function = dlsym(nil, "pipe2").map { unsafeBitCast($0, to: Pipe2.self) }
        private static let addChdirFunction = dlsym(nil, "posix_spawn_file_actions_addchdir_np").map {
            unsafeBitCast($0, to: AddChdir.self)
        }

        /// `pipe2(2)`: a pipe whose ends get `flags` (`O_CLOEXEC`) atomically; `pipe` then
        /// `fcntl` where the C library lacks it.
        static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
            if let pipe2Function { return pipe2Function(fds, flags) }
            guard pipe(fds) == 0 else { return -1 }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            return 0
        }

        /// `pidfd_open(2)` (Linux 5.3, glibc 2.36): a descriptor that polls readable once the process
        /// exited; `nil` where the system lacks it.
        static func pidfdOpen(_ pid: pid_t) -> Int32? {
            guard let pidfdOpenFunction else { return nil }
            let descriptor = pidfdOpenFunction(pid, 0)
            return descriptor >= 0 ? descriptor : nil
        }

        /// `posix_spawn_file_actions_addchdir_np(3)` (glibc 2.29): the child changes to
        /// `directory` before it executes. Returns whether the C library can do that.
        static func addChangeDirectory(
            _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ directory: String
        ) -> Bool {
            guard let addChdirFunction else { return false }
            return addChdirFunction(actions, directory) == 0
        }
    }
#endif

#if !canImport(Glibc) && canImport(Darwin)
    import Darwin

    /// The calls `ExternalProcess` makes, with Darwin's means: no `pipe2` and no pidfd there.
    enum ProcessCalls {
        /// A pipe whose ends get `FD_CLOEXEC`.
        static func pipe2(_ fds: UnsafeMutablePointer<Int32>, _ flags: Int32) -> Int32 {
            guard pipe(fds) == 0 else { return -1 }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
            return 0
        }

        /// No pidfd on Darwin: the watcher polls for the exit instead.
        static func pidfdOpen(_ pid: pid_t) -> Int32? { nil }

        /// The child changes to `directory` before it executes.
        static func addChangeDirectory(
            _ actions: UnsafeMutablePointer<posix_spawn_file_actions_t?>, _ directory: String
        ) -> Bool {
            posix_spawn_file_actions_addchdir_np(actions, directory) == 0
        }
    }
#endif
