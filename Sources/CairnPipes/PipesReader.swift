import Cairn

#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads an external process's Pipes messages, from its message file or mixed into one of its
/// streams, and its output, on the thread that watches it.
final class PipesReader: ExternalProcessReader {
    /// The longest message line read, in bytes.
    static let maxMessageBytes = 4 * 1024 * 1024

    let session: PipesSession
    let output: OutputCapture
    private let channel: PipesMessageChannel
    private let messageFile: Int32
    private var fileLines = LineBuffer(maxLineBytes: PipesReader.maxMessageBytes)
    private var streamLines = LineBuffer(maxLineBytes: PipesReader.maxMessageBytes)
    private let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 256 * 1024)

    /// Creates a reader; `messagePath` is the message file, for the `.file` channel.
    init(context: AssetContext, channel: PipesMessageChannel, messagePath: String?, maxOutputBytes: Int) {
        output = OutputCapture(context: context, maxStoredBytes: maxOutputBytes)
        session = PipesSession(context: context, output: output)
        self.channel = channel
        messageFile = messagePath.map { open($0, O_RDONLY | O_CLOEXEC) } ?? -1
    }

    deinit {
        buffer.deallocate()
        if messageFile >= 0 { close(messageFile) }
    }

    func received(_ bytes: UnsafeBufferPointer<UInt8>, from stream: CapturedStream) {
        guard channelStream == stream else {
            output.append(bytes, from: stream)
            return
        }
        streamLines.append(bytes, line: streamLine, overlong: overlongStreamLine)
    }

    func tick() {
        readMessageFile()
        output.tick()
    }

    func finish() {
        readMessageFile(limit: .max)
        fileLines.finish(line: fileLine, overlong: overlongFileLine)
        streamLines.finish(line: streamLine, overlong: overlongStreamLine)
        session.finish()
        output.finish()
    }

    private var channelStream: CapturedStream? {
        switch channel {
        case .file: nil
        case .stdout: .stdout
        case .stderr: .stderr
        }
    }

    /// Reads what was appended to the message file since the last read, up to 16 MiB at a time,
    /// so that a process writing faster than it is read still has its streams drained and its
    /// exit noticed; `finish` reads the rest.
    private func readMessageFile(limit: Int = 16 * 1024 * 1024) {
        guard messageFile >= 0 else { return }
        var total = 0
        while total < limit {
            let count = read(messageFile, buffer.baseAddress, buffer.count)
            guard count > 0 else { return }
            total += count
            fileLines.append(
                UnsafeBufferPointer(rebasing: buffer[..<count]), line: fileLine, overlong: overlongFileLine)
        }
    }

    private func fileLine(_ line: ArraySlice<UInt8>) {
        session.handle(line: line, requireVersion: false)
    }

    private func overlongFileLine(_ bytes: Int) {
        session.skippedOverlongLine(bytes: bytes, bound: Self.maxMessageBytes)
    }

    private func streamLine(_ line: ArraySlice<UInt8>) {
        guard let stream = channelStream else { return }
        if line.first == UInt8(ascii: "{"), session.handle(line: line, requireVersion: true) { return }
        output.append(line + [0x0A], from: stream)
    }

    private func overlongStreamLine(_ bytes: Int) {
        guard let stream = channelStream else { return }
        output.append(Array("[a line of \(bytes) bytes was not stored]\n".utf8), from: stream)
    }
}
