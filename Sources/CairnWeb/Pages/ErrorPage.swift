import Cairn
import Foundation
import Hummingbird
import NIOCore

/// The response for a failed request: a page saying what is wrong (JSON for the API), with the
/// status that fits, or the login page when credentials are missing.
enum ErrorPage {
    /// The response for `error`, raised while answering `request`.
    static func response(for error: any Error, request: Request, site: WebSite) -> Response {
        let (status, message) = classify(error)
        if case WebError.unauthorized = error, request.method == .get, !request.uri.path.hasPrefix("/graphql") {
            let next = WebFormat.queryValue(request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))
            return .redirect(to: "/login?next=\(next)", type: .normal)
        }
        if request.uri.path.hasPrefix("/graphql") {
            let body = #"{"errors":[{"message":\#(JSONValue.string(message).description)}]}"#
            var response = Response.json(body, status: status)
            if status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
            return response
        }
        let body = """
            <h1>\(status.code) \(HTML.escape(status.reasonPhrase))</h1>
            <div class="flash error">\(HTML.escape(message))</div>
            <p><a href="/">Back to the overview</a></p>
            """
        return .html(
            PageLayout.render("\(status.code) \(status.reasonPhrase)", section: nil, site: site, body: body),
            status: status)
    }

    /// The status and message of `error`.
    static func classify(_ error: any Error) -> (HTTPResponse.Status, String) {
        switch error {
        case WebError.notFound(let message): return (.notFound, message)
        case WebError.badRequest(let message): return (.badRequest, message)
        case WebError.forbidden(let message): return (.forbidden, message)
        case WebError.unauthorized: return (.unauthorized, "sign in, or send 'Authorization: Bearer <token>'")
        case let error as any UserError:
            switch error.kind {
            case .invalid: return (.badRequest, error.description)
            case .conflict: return (.conflict, error.description)
            case .notFound: return (.notFound, error.description)
            case .forbidden: return (.forbidden, error.description)
            }
        case let error as HTTPError: return (error.status, error.body ?? error.status.reasonPhrase)
        case is NIOTooManyBytesError:
            return (.contentTooLarge, "the request body is larger than \(WebSite.maxBodySize / 1024 / 1024) MB")
        default: return (.internalServerError, "the server failed: \(error)")
        }
    }
}

extension Response {
    /// An HTML page.
    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// A JSON document.
    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
