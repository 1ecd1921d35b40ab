/// Why a webhook alert could not be posted. Messages name the host only, never the whole URL,
/// which holds the webhook's secret.
public enum WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable holds something that is not an http(s) URL.
    case invalidURL(variable: String)
    /// The request could not be sent or got no answer in time.
    case requestFailed(host: String, message: String)
    /// The server answered with a status other than 2xx.
    case rejected(host: String, status: Int, body: String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .invalidURL(let variable):
            "the environment variable \(variable) is not an http(s) URL; set it to the webhook's URL "
                + "(for Slack: https://hooks.slack.com/services/...)"
        case .requestFailed(let host, let message):
            "posting the alert to \(host) failed: \(message)"
        case .rejected(let host, let status, let body):
            "\(host) answered the alert with HTTP \(status)\(body.isEmpty ? "" : ": \(body)")"
        }
    }
}
