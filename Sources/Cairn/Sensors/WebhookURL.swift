import Foundation

/// Where a webhook alert is posted: a fixed URL, or one read from an environment variable each
/// time the alert is sent, so the secret URL stays out of the code.
///
/// ```swift
/// Sensor.runFailureWebhook(url: .environment("SLACK_WEBHOOK_URL"))
/// ```
public struct WebhookURL: Sendable, Hashable, CustomStringConvertible {
    private enum Source: Sendable, Hashable {
        case fixed(URL)
        case variable(String)
    }

    private let source: Source

    /// Posts to `url`.
    public static func url(_ url: URL) -> WebhookURL { WebhookURL(source: .fixed(url)) }

    /// Posts to the URL in the environment variable `name`, read when the alert is sent.
    public static func environment(_ name: String) -> WebhookURL { WebhookURL(source: .variable(name)) }

    /// The environment variable the URL is read from, if any.
    public var variable: String? {
        if case .variable(let name) = source { name } else { nil }
    }

    /// The URL to post to, `nil` when its environment variable is not set (or empty).
    ///
    /// - Throws: `WebhookError.invalidURL` when the variable's value is not an http(s) URL.
    public func resolve(in environment: [String: String]) throws(WebhookError) -> URL? {
        switch source {
        case .fixed(let url):
            return url
        case .variable(let name):
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
                return nil
            }
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                ["http", "https"].contains(scheme),
                url.host != nil
            else {
                throw .invalidURL(variable: name)
            }
            return url
        }
    }

    /// The variable's name or the URL's host, never a whole URL: webhook URLs hold secrets.
    public var description: String {
        switch source {
        case .fixed(let url): "a webhook at \(url.host ?? "?")"
        case .variable(let name): "the webhook URL in $\(name)"
        }
    }
}
