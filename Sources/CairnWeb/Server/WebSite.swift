import Cairn
import Foundation

/// What every page and route reads: the definitions, the storage, the operations, and the
/// server's settings and secrets.
struct WebSite: Sendable {
    /// The largest form or API request body read.
    static let maxBodySize = 4 * 1024 * 1024

    /// The code location's definitions.
    let definitions: Definitions
    /// The validated asset graph of `definitions`.
    let graph: AssetGraph
    /// Where runs, events and states are stored.
    let storage: any InstanceStorage
    /// What pages and the API can change.
    let operations: InstanceOperations
    /// Where and how the server listens.
    let configuration: WebConfiguration
    /// The CSRF token of a server without credentials, which has no sessions.
    let serverCSRFToken: String
    /// The open login sessions, when the server has credentials.
    let sessions: WebSessions
    /// Counts failed logins per client.
    let loginThrottle = LoginThrottle()
    /// The port the server listens on.
    let boundPort = BoundPort()
    /// The current time.
    let now: @Sendable () -> Date
    /// The assets each step of an asset computation materializes, by step key.
    let stepAssetKeys: [String: [AssetKey]]
    /// The health of every asset as of the latest event.
    let healthCache = AssetHealthCache()

    /// The site of a server of `definitions` over `storage`.
    ///
    /// - Throws: `DefinitionsError` for invalid definitions.
    static func make(
        definitions: Definitions, storage: any InstanceStorage, runsQueued: @escaping @Sendable () -> Void = {},
        configuration: WebConfiguration, now: @escaping @Sendable () -> Date
    ) throws -> WebSite {
        let graph = try definitions.assetGraph
        return WebSite(
            definitions: definitions, graph: graph, storage: storage,
            operations: InstanceOperations(
                definitions: definitions, storage: storage, launchedBy: "web", runsQueued: runsQueued, now: now),
            configuration: configuration, serverCSRFToken: RandomToken.make(), sessions: WebSessions(), now: now,
            stepAssetKeys: Dictionary(
                graph.definitions.map { ($0.name, $0.specs.map(\.key)) }, uniquingKeysWith: { first, _ in first }))
    }

    /// The graph index of the asset written `key`, or a not-found error with a suggestion.
    func index(ofAsset key: AssetKey) throws -> Int {
        guard let index = graph.index(of: key) else {
            let hint = NearestName.hint(for: key.description, among: graph.nodes.map(\.key.description))
            throw WebError.notFound("there is no asset '\(key)'\(hint)")
        }
        return index
    }

    /// The token every form that changes something carries, unguessable from another origin: the
    /// session's on a server with credentials, the server's own otherwise.
    var csrfToken: String { RequestCSRF.token ?? serverCSRFToken }

    /// Whether pages show buttons that change something.
    var allowsChanges: Bool { !configuration.readOnly }

    /// The hidden form field with the CSRF token.
    var csrfField: String {
        "<input type=\"hidden\" name=\"csrf\" value=\"\(csrfToken)\">"
    }

    /// A Stop button for a running schedule or sensor at `path`, a Start button for a stopped one.
    func toggle(_ path: String, running: Bool) -> String {
        running
            ? actionButton("Stop", action: "\(path)/stop", style: "danger")
            : actionButton("Start", action: "\(path)/start", style: "primary")
    }

    /// A form posting to `action` with one submit button, or nothing on a read-only server.
    func actionButton(_ label: String, action: String, fields: [String: String] = [:], style: String = "") -> String {
        guard allowsChanges else { return "" }
        let hidden = fields.sorted { $0.key < $1.key }.map {
            "<input type=\"hidden\" name=\"\(HTML.escape($0.key))\" value=\"\(HTML.escape($0.value))\">"
        }.joined()
        return "<form class=\"inline\" method=\"post\" action=\"\(HTML.escape(action))\">\(csrfField)\(hidden)"
            + "<button type=\"submit\" class=\"button \(style)\">\(HTML.escape(label))</button></form>"
    }
}
