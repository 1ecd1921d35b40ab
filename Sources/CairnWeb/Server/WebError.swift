/// A request the server answers with an error page (or a JSON error for the API) and a status.
enum WebError: Error, Sendable {
    /// Nothing at this address; the message says what was looked for, with a suggestion.
    case notFound(String)
    /// The request is malformed: a bad selection, bad config, a missing field.
    case badRequest(String)
    /// The request is refused: a missing CSRF token, a read-only server.
    case forbidden(String)
    /// The request needs credentials.
    case unauthorized
}
