import Foundation

/// The Python webhook receiver of `Tests/Fixtures/webhook_receiver.py`, running as a child
/// process on a free port of 127.0.0.1, for the alert tests.
final class WebhookReceiver {
    /// What the receiver recorded of one POST.
    struct Post: Decodable {
        var contentType: String?
        var body: String

        enum CodingKeys: String, CodingKey {
            case contentType = "content_type"
            case body
        }
    }

    /// Where the receiver writes its port and the bodies it received, and reads its status.
    let directory: URL
    private let process: Process
    /// The port the receiver listens on.
    let port: Int

    /// Starts the receiver and waits (at most `timeout`) until it writes its port.
    init(timeout: Duration = .seconds(20)) async throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-webhook-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/webhook_receiver.py")
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, directory.path]
        // Never a pipe: a child writing to a pipe nobody reads can block, and reading one can hang.
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let portFile = directory.appendingPathComponent("port")
        let deadline = ContinuousClock.now + timeout
        while true {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let port = Int(text) {
                self.port = port
                return
            }
            guard process.isRunning, ContinuousClock.now < deadline else {
                process.terminate()
                throw ReceiverDidNotStart(script: script.path)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The URL alerts are posted to.
    var url: URL { URL(string: "http://127.0.0.1:\(port)/services/T000/B000/secret")! }

    /// Makes the receiver answer each POST with `status` from now on.
    func answer(_ status: Int) throws {
        try "\(status)".write(to: directory.appendingPathComponent("status"), atomically: true, encoding: .utf8)
    }

    /// The POSTs answered with 2xx so far, in order.
    func posts() throws -> [Post] {
        guard let text = try? String(contentsOf: directory.appendingPathComponent("bodies.jsonl"), encoding: .utf8)
        else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Post.self, from: Data($0.utf8)) }
    }

    /// Waits (at most `timeout`) until `count` POSTs were answered with 2xx, and returns them.
    func waitForPosts(_ count: Int, timeout: Duration = .seconds(10)) async throws -> [Post] {
        let deadline = ContinuousClock.now + timeout
        while try posts().count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(50))
        }
        return try posts()
    }

    /// Stops the receiver (killing it if it has not exited after 5 seconds) and removes its directory.
    func stop() {
        process.terminate()
        let deadline = Date().addingTimeInterval(5)
        while process.isRunning && Date() < deadline {
            usleep(20_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The receiver exited or wrote no port in time.
    struct ReceiverDidNotStart: Error, CustomStringConvertible {
        var script: String
        var description: String { "the webhook receiver \(script) did not start: is python3 on PATH?" }
    }
}
