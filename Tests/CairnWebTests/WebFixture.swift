import Cairn
import CairnSQLite
import CairnWeb
import Foundation
import Logging
import ServiceLifecycle

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The config of `raw_orders`, to test the launchpad's validation.
struct OrderThresholds: Codable, Sendable {
    var minimum = 1
}

/// A code location with what the pages show: groups, kinds, owners, tags, a description with
/// markup to escape, metadata of every kind, a check, config, partitions, a failing asset, a
/// schedule and a sensor.
enum WebFixture {
    static let rawOrders = Asset<Int>(
        "raw_orders", description: "Orders <script>alert('x')</script> from the **shop**", group: "sales",
        tags: ["tier": "gold"], owners: ["team:data"], kinds: ["csv"], codeVersion: "v1",
        config: .defaults(OrderThresholds())
    ) { context in
        let config = try context.config(OrderThresholds.self)
        context.addMetadata([
            "rows": .int(40 + config.minimum), "report": .markdown("# Report\n\n- **all** orders"),
            "docs": .url("https://example.com/docs"), "bad_link": .url("javascript:alert(1)"),
            "schema": .tableSchema(TableSchema(columns: [.init(name: "order_id", type: "int", description: "the id")])),
        ])
        return 40 + config.minimum
    }
    static let orderSummary = Asset("order_summary", group: "sales", kinds: ["json"], from: rawOrders) { _, rows in
        rows * 2
    }
    static let dailyEvents = Asset<Int>("daily_events", group: "web", partitions: .daily(start: "2026-01-01")) { _ in 1
    }
    static let flakyFeed = Asset<Int>("flaky_feed", group: "web") { _ in
        throw FixtureError(message: "the feed answered 503")
    }
    static let positive = AssetCheck("positive_rows", on: rawOrders, description: "More than zero rows") { _, rows in
        CheckResult(passed: rows > 0, description: "\(rows) rows")
    }

    static let definitions = Definitions(
        assets: [rawOrders, orderSummary, dailyEvents, flakyFeed], checks: [positive],
        schedules: [Schedule("nightly_sales", cron: "0 2 * * *", timezone: "UTC", select: "group:sales")],
        sensors: [
            Sensor("orders_landed", select: "group:sales", minimumInterval: .seconds(30)) { _ in
                .skip("no new orders file")
            }
        ])

    struct FixtureError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }
}

/// A web server on a free port over a fresh SQLite file, and a client for it.
struct WebTestServer {
    let url: String
    let storage: SQLiteStorage
    let directory: URL

    /// Runs `body` against a server of `definitions` (the fixture's by default), then stops it.
    ///
    /// - Parameter selections: what to materialize first, in order; `selection@partition` for a partition.
    static func with(
        _ definitions: Definitions = WebFixture.definitions,
        configuration: WebConfiguration = WebConfiguration(port: 0),
        materializing selections: [String] = [], _ body: (WebTestServer) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let storage = try SQLiteStorage(path: directory.appendingPathComponent("cairn.sqlite").path)
        for selection in selections {
            let parts = selection.split(separator: "@", maxSplits: 1).map(String.init)
            _ = try await materialize(
                parts[0], storage: storage, directory: directory, partition: parts.count > 1 ? parts[1] : nil)
        }
        let (addresses, continuation) = AsyncStream.makeStream(of: String.self)
        var logger = Logger(label: "cairn.web.test")
        logger.logLevel = .warning
        let server = try WebServer(
            definitions: definitions, storage: storage, configuration: configuration, logger: logger,
            onListening: { continuation.yield($0) })
        let group = ServiceGroup(services: [server], logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = addresses.makeAsyncIterator()
            guard let url = await iterator.next() else { return }
            do {
                try await body(WebTestServer(url: url, storage: storage, directory: directory))
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Materializes `selection` of the fixture into the server's storage.
    static func materialize(_ selection: String, storage: SQLiteStorage, directory: URL, partition: String? = nil)
        async throws -> RunResult
    {
        try await WebFixture.definitions.materialize(
            selection, storage: storage, defaultIOManager: JSONFileIOManager(directory: directory.path),
            partition: partition.map(PartitionKey.init), maxConcurrency: 2)
    }

    /// A GET, not following redirects.
    func get(_ path: String, headers: [String: String] = [:]) async throws -> WebResponse {
        try await send(path, method: "GET", headers: headers)
    }

    /// A POST of a form, with the CSRF token of the page at `tokenFrom` unless `csrf` says otherwise.
    func post(_ path: String, form: [String: String], csrf: String? = nil, headers: [String: String] = [:])
        async throws -> WebResponse
    {
        var fields = form
        if fields["csrf"] == nil {
            if let csrf {
                fields["csrf"] = csrf
            } else {
                fields["csrf"] = try await get("/").csrfToken
            }
        }
        let body = fields.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }.joined(separator: "&")
        var headers = headers
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return try await send(path, method: "POST", headers: headers, body: Data(body.utf8))
    }

    /// Any request.
    func send(_ path: String, method: String, headers: [String: String] = [:], body: Data? = nil) async throws
        -> WebResponse
    {
        var request = URLRequest(url: URL(string: url + path)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let session = URLSession(configuration: .ephemeral, delegate: NoRedirects(), delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        let (data, response) = try await session.data(for: request)
        let http = response as! HTTPURLResponse
        var fields: [String: String] = [:]
        for (name, value) in http.allHeaderFields {
            fields[String(describing: name).lowercased()] = String(describing: value)
        }
        return WebResponse(status: http.statusCode, headers: fields, body: String(decoding: data, as: UTF8.self))
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }
}

/// What a request answered.
struct WebResponse {
    let status: Int
    let headers: [String: String]
    let body: String

    /// The CSRF token of the page's forms.
    var csrfToken: String? {
        guard let range = body.range(of: "name=\"csrf-token\" content=\"") else { return nil }
        return String(body[range.upperBound...].prefix { $0 != "\"" })
    }

    /// The target of a redirect.
    var location: String? { headers["location"] }
}

/// Keeps URLSession from following redirects, so tests see them.
final class NoRedirects: NSObject, URLSessionTaskDelegate, Sendable {
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }
}
