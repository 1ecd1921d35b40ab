import Cairn
import Foundation
import HTTPTypes
import Hummingbird

/// What every request passes through: the `Host` and `Origin` checks, credentials when the server
/// has them, the CSRF token and the read-only switch for every change, error pages for every
/// failure, and security headers on every response.
struct SecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    let site: WebSite

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        var request = request
        // With credentials, a request's CSRF token is its session's; none without a session.
        let csrf = site.configuration.credentials.map { _ in
            request.cookies[WebSessions.cookieName].flatMap { site.sessions.csrfToken(of: $0.value) } ?? ""
        }
        do {
            response = try await RequestCSRF.$token.withValue(csrf) {
                try await authorize(&request)
                return try await next(request, context)
            }
        } catch {
            response = RequestCSRF.$token.withValue(csrf) {
                ErrorPage.response(for: error, request: request, site: site)
            }
        }
        Self.addSecurityHeaders(to: &response)
        return response
    }

    /// Headers on every response: no framing, no sniffing, no referrer to other sites, scripts and
    /// styles only from this server.
    static func addSecurityHeaders(to response: inout Response) {
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.frameOptions] = "DENY"
        response.headers[.referrerPolicy] = "same-origin"
        response.headers[.crossOriginOpenerPolicy] = "same-origin"
        if response.headers[.cacheControl] == nil { response.headers[.cacheControl] = "no-store" }
    }

    /// Checks the `Host` and, for a change, the `Origin`; then credentials, and for a change the
    /// CSRF token and the read-only switch.
    private func authorize(_ request: inout Request) async throws {
        let path = request.uri.path
        guard let host = request.head.authority,
            site.configuration.accepts(hostHeader: host, servedPort: site.boundPort.value ?? site.configuration.port)
        else {
            throw WebError.forbidden(
                "this Cairn server answers to \(site.configuration.host):\(site.configuration.port) only; "
                    + "the request named another host (Host: \(request.head.authority ?? "none"))")
        }
        if request.method == .post, let origin = request.headers[.origin],
            !site.configuration.accepts(origin: origin, host: host)
        {
            throw WebError.forbidden("a change must come from a page of this server; the request came from \(origin)")
        }
        let isPublic = path.hasPrefix("/static/") || path == "/login"
        var bearer = false
        if let credentials = site.configuration.credentials, !isPublic {
            if let header = request.headers[.authorization], header.hasPrefix("Bearer ") {
                guard WebCredentials.constantTimeEquals(String(header.dropFirst(7)), credentials.token) else {
                    throw WebError.unauthorized
                }
                bearer = true
            } else {
                guard let session = request.cookies[WebSessions.cookieName]?.value, site.sessions.contains(session)
                else { throw WebError.unauthorized }
            }
        }
        guard request.method == .post else { return }
        if path == "/graphql" {
            // A JSON request cannot be sent by a form of another site, and another site's script
            // cannot send one without a preflight this server never allows.
            let type = request.headers[.contentType] ?? ""
            let mediaType = type.split(separator: ";", maxSplits: 1).first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            }
            guard mediaType == "application/json" else {
                throw WebError.badRequest("/graphql takes a POST with 'Content-Type: application/json'")
            }
            if !bearer, site.configuration.credentials != nil,
                !WebCredentials.constantTimeEquals(request.headers[.cairnCSRF] ?? "", site.csrfToken)
            {
                throw WebError.forbidden("a GraphQL request with a login session needs the X-Cairn-CSRF header")
            }
            return
        }
        if path == "/login" { return }
        guard site.allowsChanges else { throw WebError.forbidden(OperationError.readOnly.description) }
        let body = try await request.collectBody(upTo: WebSite.maxBodySize)
        let form = FormFields(String(buffer: body))
        guard let token = form["csrf"], WebCredentials.constantTimeEquals(token, site.csrfToken) else {
            throw WebError.forbidden(
                "the form's CSRF token is missing or out of date (the server restarted?); reload the page and submit again"
            )
        }
    }
}

extension HTTPField.Name {
    /// `X-Frame-Options`.
    static let frameOptions = Self("X-Frame-Options")!
    /// `Referrer-Policy`.
    static let referrerPolicy = Self("Referrer-Policy")!
    /// `Cross-Origin-Opener-Policy`.
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
    /// `X-Cairn-CSRF`: the CSRF token of a GraphQL request sent with a login session.
    static let cairnCSRF = Self("X-Cairn-CSRF")!
}
