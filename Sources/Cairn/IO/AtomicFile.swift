import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Replaces files atomically: the new content goes to a temporary file beside the target, which
/// is then renamed over it, so a reader or a crash never sees half a file.
///
/// Written with POSIX calls because Foundation's `.atomic` writes cost a millisecond per file,
/// more than Cairn's whole orchestration of a step.
enum AtomicFile {
    /// Writes `data` to `path`, creating missing parent directories.
    static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        var descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if descriptor < 0 && errno == ENOENT {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        }
        guard descriptor >= 0 else { throw FileWriteError(path: path, operation: "create", code: errno) }
        do {
            try data.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = systemWrite(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        throw FileWriteError(path: path, operation: "write", code: errno)
                    }
                    offset += written
                }
            }
            guard close(descriptor) == 0 else { throw FileWriteError(path: path, operation: "close", code: errno) }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw FileWriteError(path: path, operation: "rename into place", code: code)
        }
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif

/// A file could not be written; says which, at what step, and the system's reason.
struct FileWriteError: Error, CustomStringConvertible {
    let path: String
    let operation: String
    let code: Int32

    var description: String {
        let reason = String(cString: strerror(code))
        let hint = code == ENOSPC ? " (the disk is full; free space and re-run the step)" : ""
        return "cannot \(operation) \(path): \(reason)\(hint)"
    }
}
