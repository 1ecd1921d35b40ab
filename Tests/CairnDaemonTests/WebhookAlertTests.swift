import Cairn
import CairnDaemon
import CairnSQLite
import Foundation
import Synchronization
import Testing

/// The error of the asset that fails in the alert tests.
private struct StationOffline: Error, CustomStringConvertible {
    var description: String { "station KSFO is offline" }
}

/// A time that starts at `start` and that tests move on by hand.
private final class MovingTime: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date) { current = Mutex(start) }

    var now: Date { current.withLock { $0 } }

    func advance(seconds: Double) { current.withLock { $0 += seconds } }
}

@Suite struct WebhookAlertTests {
    private static let start = ISO8601Timestamp.parse("2024-01-04T12:00:00Z")!

    /// An asset that succeeds and one that fails, and `alert` watching them.
    private static func definitions(_ alert: Sensor) -> Definitions {
        let readings = Asset("readings") { _ in 1 }
        let broken = Asset<Int>("station_feed") { _ in throw StationOffline() }
        return Definitions(assets: [readings, broken], sensors: [alert])
    }

    /// Materializes the failing asset: a real run with STEP_FAILURE and RUN_FAILURE events.
    private static func failARun(_ definitions: Definitions, _ storage: SQLiteStorage) async throws -> RunID {
        let result = try await definitions.materialize(
            "key:station_feed", storage: storage, defaultIOManager: MemoryIOManager())
        #expect(!result.succeeded)
        return result.runID
    }

    /// A sensor service whose time is `time`.
    private static func service(_ definitions: Definitions, _ storage: SQLiteStorage, _ time: MovingTime)
        -> SensorService
    {
        SensorService(definitions: definitions, storage: storage, now: { time.now })
    }

    @Test func aFailedRunIsPostedAsSlackJSONWithItsErrorAndFailedStep() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let alert = Sensor.runFailureWebhook(url: .url(receiver.url), defaultStatus: .running)
        let definitions = Self.definitions(alert)
        let time = MovingTime(Self.start)
        let service = Self.service(definitions, storage, time)
        let earlier = try await Self.failARun(definitions, storage)

        let first = try await service.evaluateSensors()
        #expect(first.map(\.status) == [.skipped])
        let failed = try await Self.failARun(definitions, storage)
        time.advance(seconds: 30)
        let second = try await service.evaluateSensors()
        #expect(second.map(\.status) == [.skipped])
        #expect(second.first?.message == "reacted to 1 run(s): \(failed)")

        let posts = try await receiver.waitForPosts(1)
        try #require(posts.count == 1, "the run that failed before the sensor started must not be posted")
        #expect(posts[0].contentType == "application/json")
        let message = try JSONDecoder().decode([String: String].self, from: Data(posts[0].body.utf8))
        #expect(Array(message.keys) == ["text"])
        let text = try #require(message["text"])
        #expect(text.contains("Run `\(failed)`"))
        #expect(!text.contains(earlier.rawValue))
        #expect(text.contains("FAILED"))
        #expect(text.contains("`station_feed`: station KSFO is offline"))
        #expect(text.contains("Error: Execution of run failed: steps failed: station_feed"))

        time.advance(seconds: 30)
        let third = try await service.evaluateSensors()
        #expect(third.first?.message == "no monitored run ended with status FAILURE")
        #expect(try await receiver.waitForPosts(2, timeout: .milliseconds(300)).count == 1)
    }

    @Test func aRejectedPostFailsTheTickKeepsTheCursorAndIsRetried() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let alert = Sensor.runFailureWebhook(url: .url(receiver.url), defaultStatus: .running)
        let definitions = Self.definitions(alert)
        let time = MovingTime(Self.start)
        let service = Self.service(definitions, storage, time)
        try await service.evaluateSensors()
        let started = try await storage.scheduleState(alert.storageName)?.cursor
        let failed = try await Self.failARun(definitions, storage)

        try receiver.answer(500)
        time.advance(seconds: 30)
        let rejected = try await service.evaluateSensors()
        #expect(rejected.map(\.status) == [.failure])
        let message = try #require(rejected.first?.message)
        #expect(message.contains("127.0.0.1 answered the alert with HTTP 500"))
        #expect(message.contains(failed.rawValue))
        #expect(!message.contains("secret"), "the webhook's URL must not be shown")
        #expect(try await storage.scheduleState(alert.storageName)?.cursor == started)
        #expect(try receiver.posts().isEmpty)

        try receiver.answer(200)
        time.advance(seconds: 30)
        let retried = try await service.evaluateSensors()
        #expect(retried.map(\.status) == [.skipped])
        #expect(retried.first?.message == "reacted to 1 run(s): \(failed)")
        let posts = try await receiver.waitForPosts(1)
        #expect(posts.count == 1)
        #expect(posts.first?.body.contains(failed.rawValue) == true)
        #expect(try await storage.scheduleState(alert.storageName)?.cursor != started)
        let ticks = try await storage.scheduleTicks(of: alert.storageName, before: nil, limit: 10)
        #expect(ticks.map(\.status) == [.skipped, .failure, .skipped])
    }

    @Test func aPreviewSaysWhichRunsItWouldAlertForAndPostsNothing() async throws {
        let receiver = try await WebhookReceiver()
        defer { receiver.stop() }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let alert = Sensor.runFailureWebhook(url: .url(receiver.url))
        let definitions = Self.definitions(alert)
        let cursor = "\(try await storage.lastEventID() ?? 0)"
        let failed = try await Self.failARun(definitions, storage)
        let context = SensorContext(
            sensorName: alert.name, cursor: cursor, evaluationTime: Self.start, storage: storage, isPreview: true)
        let result = try await SensorEvaluation.evaluate(alert, context: context)
        #expect(result.skipReason == "would post an alert to a webhook at 127.0.0.1 for 1 run(s): \(failed)")
        #expect(try await receiver.waitForPosts(1, timeout: .milliseconds(300)).isEmpty)
    }

    @Test func anUnreachableWebhookFailsTheTick() async throws {
        let receiver = try await WebhookReceiver()
        let unreachable = receiver.url
        receiver.stop()
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let alert = Sensor.runFailureWebhook(url: .url(unreachable), timeout: .seconds(5), defaultStatus: .running)
        let definitions = Self.definitions(alert)
        let time = MovingTime(Self.start)
        let service = Self.service(definitions, storage, time)
        try await service.evaluateSensors()
        let started = try await storage.scheduleState(alert.storageName)?.cursor
        _ = try await Self.failARun(definitions, storage)
        time.advance(seconds: 30)
        let ticks = try await service.evaluateSensors()
        #expect(ticks.map(\.status) == [.failure])
        #expect(ticks.first?.message?.contains("posting the alert to 127.0.0.1 failed") == true)
        #expect(try await storage.scheduleState(alert.storageName)?.cursor == started)
    }

    @Test func anUnsetURLVariableSkipsTheTickNamingItAndLosesNoFailure() async throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let storage = try directory.storage()
        let variable = "CAIRN_TEST_UNSET_WEBHOOK_\(UUID().uuidString.prefix(8))"
        let alert = Sensor.runFailureWebhook(url: .environment(variable), defaultStatus: .running)
        let definitions = Self.definitions(alert)
        let time = MovingTime(Self.start)
        let service = Self.service(definitions, storage, time)
        try await service.evaluateSensors()
        let started = try await storage.scheduleState(alert.storageName)?.cursor
        _ = try await Self.failARun(definitions, storage)
        time.advance(seconds: 30)
        let ticks = try await service.evaluateSensors()
        #expect(ticks.map(\.status) == [.skipped])
        #expect(
            ticks.first?.message
                == "the environment variable \(variable) is not set; set it to the webhook's URL to post alerts")
        #expect(try await storage.scheduleState(alert.storageName)?.cursor == started)
    }

    @Test func aURLVariableThatIsNotAURLIsRejectedWithoutShowingIt() throws {
        let url = WebhookURL.environment("SLACK_WEBHOOK_URL")
        #expect(throws: WebhookError.invalidURL(variable: "SLACK_WEBHOOK_URL")) {
            try url.resolve(in: ["SLACK_WEBHOOK_URL": "hooks.slack.com/services/secret"])
        }
        #expect(try url.resolve(in: [:]) == nil)
        #expect(
            try url.resolve(in: ["SLACK_WEBHOOK_URL": "https://hooks.example/x"])
                == URL(string: "https://hooks.example/x"))
        #expect(!"\(WebhookError.invalidURL(variable: "SLACK_WEBHOOK_URL"))".contains("secret"))
    }
}
