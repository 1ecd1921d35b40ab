import Cairn
import CairnPipes

/// Reads the JSON log lines `dbt --log-format json` writes to stdout, on the thread that watches
/// dbt: each node's `NodeFinished` goes to `finished`, the messages people read go to the step's
/// captured output, and error messages are kept for the failure.
final class DbtLogReader: ExternalProcessReader {
    /// The longest log line read, in bytes.
    static let maxLineBytes = 8 * 1024 * 1024
    /// The most bytes of plain (non-JSON) lines kept, such as `dbt ls` output.
    static let maxPlainBytes = 64 * 1024 * 1024
    /// How many error messages are kept.
    static let maxErrors = 50

    private let output: OutputCapture?
    private let finished: @Sendable (DbtNodeResult) -> Void
    private var lines = LineBuffer(maxLineBytes: DbtLogReader.maxLineBytes)
    private(set) var errors: [String] = []
    /// The lines that are not JSON log events (`dbt ls --quiet` prints its output that way).
    private(set) var plainLines: [String] = []
    private var plainBytes = 0

    /// Creates a reader that records dbt's messages as the step's output (when `context` is
    /// given) and hands each finished node to `finished`.
    init(context: AssetContext?, finished: @escaping @Sendable (DbtNodeResult) -> Void) {
        output = context.map { OutputCapture(context: $0, maxStoredBytes: 16 * 1024 * 1024) }
        self.finished = finished
    }

    func received(_ bytes: UnsafeBufferPointer<UInt8>, from stream: CapturedStream) {
        guard stream == .stdout else {
            output?.append(bytes, from: stream)
            return
        }
        lines.append(bytes, line: handle, overlong: overlong)
    }

    func tick() { output?.tick() }

    func finish() {
        lines.finish(line: handle, overlong: overlong)
        output?.finish()
    }

    /// The last lines of stderr, for a failure that logged no error.
    var stderrTail: [String] { output?.lastStderrLines ?? [] }

    /// Keeps error messages, each cut to its first lines (dbt adds Python tracebacks).
    private func remember(_ messages: [String]) {
        for message in messages where !message.isEmpty && errors.count < Self.maxErrors {
            let lines = message.split(separator: "\n", omittingEmptySubsequences: false)
            errors.append(lines.prefix(8).joined(separator: "\n").prefix(2_000) + (lines.count > 8 ? "\n…" : ""))
        }
    }

    /// A log line over the bound: its node's result is lost, which the build reports as a node
    /// without a result.
    private func overlong(_ bytes: Int) {
        remember(["dbt wrote a log line of \(bytes) bytes, over the \(Self.maxLineBytes) bytes read; it was skipped"])
    }

    private func handle(_ line: ArraySlice<UInt8>) {
        guard line.first == UInt8(ascii: "{"), let event = try? JSONReader.parse(Array(line)),
            let info = event["info"]
        else {
            let text = String(decoding: line, as: UTF8.self)
            if plainBytes + text.utf8.count <= Self.maxPlainBytes {
                plainBytes += text.utf8.count
                plainLines.append(text)
            }
            output?.append(Array(line) + [0x0A], from: .stdout)
            return
        }
        let level = info["level"]?.string ?? "info"
        let message = info["msg"]?.string ?? ""
        if level == "error", !message.isEmpty { remember([message]) }
        if level != "debug", !message.isEmpty {
            output?.append(
                Array("\(info["ts"]?.string?.dropFirst(11).prefix(8) ?? "")  \(message)\n".utf8), from: .stdout)
        }
        if info["name"]?.string == "NodeFinished", let data = event["data"], let result = DbtNodeResult(data) {
            finished(result)
        }
    }
}
