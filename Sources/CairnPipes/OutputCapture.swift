import Cairn

/// Records what an external process writes to stdout and stderr as LOGS_CAPTURED events of its
/// step: in chunks of whole lines at least every 200 ms while it runs, up to a bound on the
/// bytes stored per process; keeps the last lines of stderr for the failure message.
package final class OutputCapture: ExternalProcessReader {
    /// The most bytes a chunk event holds.
    static let chunkBytes = 64 * 1024
    /// How many lines of stderr a failure message quotes.
    static let tailLines = 20

    private let context: AssetContext
    private let maxStoredBytes: Int
    private var pending: [CapturedStream: [UInt8]] = [.stdout: [], .stderr: []]
    private var lastFlush = ContinuousClock.now
    private var stored = 0
    private var dropped = 0
    private var stderrTail: [String] = []
    private var stderrPartial = ""

    /// Creates a capture for the step of `context`, storing at most `maxStoredBytes`.
    package init(context: AssetContext, maxStoredBytes: Int) {
        self.context = context
        self.maxStoredBytes = maxStoredBytes
    }

    /// The last lines the process wrote to stderr.
    package var lastStderrLines: [String] {
        stderrTail + (stderrPartial.isEmpty ? [] : [stderrPartial])
    }

    /// Adds what the process wrote to a stream.
    package func received(_ bytes: UnsafeBufferPointer<UInt8>, from stream: CapturedStream) {
        append(bytes, from: stream)
    }

    /// Adds output of a stream.
    package func append(_ bytes: some Collection<UInt8>, from stream: CapturedStream) {
        pending[stream, default: []] += bytes
        if pending[stream]!.count >= Self.chunkBytes { flush(stream, whole: true) }
    }

    /// Records what is pending once 200 ms passed since the last time, up to whole lines.
    package func tick() {
        guard ContinuousClock.now - lastFlush >= .milliseconds(200) else { return }
        lastFlush = .now
        flush(.stdout, whole: false)
        flush(.stderr, whole: false)
    }

    /// Records everything pending, and how much output was not stored.
    package func finish() {
        flush(.stdout, whole: true)
        flush(.stderr, whole: true)
        if dropped > 0 {
            context.recordEngineEvent(
                "The process wrote \(dropped) more bytes of output than the \(maxStoredBytes) bytes stored per "
                    + "process; they were not stored. Write large output to a file and report its path as metadata.",
                level: .warning, metadata: ["dropped_bytes": .int(dropped)])
        }
    }

    /// Records the pending output of a stream up to its last complete line, or all of it.
    private func flush(_ stream: CapturedStream, whole: Bool) {
        guard var bytes = pending[stream], !bytes.isEmpty else { return }
        var end = bytes.count
        if !whole {
            guard let newline = bytes.lastIndex(of: 0x0A) else { return }
            end = newline + 1
        } else {
            // Never split a UTF-8 sequence between two events.
            var back = end
            while back > 0, back > end - 4, bytes[back - 1] & 0xC0 == 0x80 { back -= 1 }
            if back > 0, bytes[back - 1] >= 0xC0, back - 1 + Self.sequenceLength(bytes[back - 1]) > end {
                end = back - 1
            }
            if end == 0 { end = bytes.count }
        }
        let chunk = bytes[..<end]
        bytes.removeFirst(end)
        pending[stream] = bytes
        let text = String(decoding: chunk, as: UTF8.self)
        if stream == .stderr { remember(text) }
        guard stored < maxStoredBytes else {
            dropped += chunk.count
            return
        }
        stored += chunk.count
        context.recordCapturedOutput(text, stream: stream)
    }

    private static func sequenceLength(_ lead: UInt8) -> Int {
        lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
    }

    private func remember(_ text: String) {
        var lines = (stderrPartial + text).split(separator: "\n", omittingEmptySubsequences: false)
        stderrPartial = String(lines.removeLast())
        stderrTail += lines.suffix(Self.tailLines).map { String($0.prefix(1_000)) }
        if stderrTail.count > Self.tailLines { stderrTail.removeFirst(stderrTail.count - Self.tailLines) }
        if stderrPartial.count > 1_000 { stderrPartial = String(stderrPartial.prefix(1_000)) }
    }
}
