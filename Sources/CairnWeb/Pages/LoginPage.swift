import Foundation
import Hummingbird

/// `/login` and `/logout`: the pages' login on a server with credentials.
enum LoginPage {
    static func render(next: String?, failed: Bool, site: WebSite) -> String {
        let body = """
            <div class="card login"><h1>Sign in</h1><p class="subtitle">This Cairn server requires a login.</p>
            \(failed ? "<div class=\"flash error\">Wrong user or password.</div>" : "")
            <form method="post" action="/login"><input type="hidden" name="next" value="\(HTML.escape(next.flatMap(safeNext) ?? "/"))">
            <label class="field"><span>User</span><input type="text" name="user" autocomplete="username" required></label>
            <label class="field"><span>Password</span><input type="password" name="password" \
            autocomplete="current-password" required></label>
            <button class="button primary" type="submit">Sign in</button></form></div>
            """
        return PageLayout.render("Sign in", section: nil, site: site, body: body)
    }

    /// Checks the posted user and password; opens a session and goes on to `next` when they match.
    /// A client that failed too often within a minute is refused with 429 until the minute passed.
    static func submit(_ form: FormFields, client: String, site: WebSite) async throws -> Response {
        guard let credentials = site.configuration.credentials else { return .redirect(to: "/", type: .normal) }
        let next = form["next"].flatMap(safeNext) ?? "/"
        let now = site.now()
        if let wait = site.loginThrottle.wait(for: client, now: now) {
            var response = Response.html(
                render(next: next, failed: true, site: site), status: .tooManyRequests)
            response.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            return response
        }
        // Both are compared, whatever the first says, so the time taken tells nothing.
        let userMatches = WebCredentials.constantTimeEquals(form.raw("user") ?? "", credentials.user)
        let passwordMatches = WebCredentials.constantTimeEquals(form.raw("password") ?? "", credentials.password)
        guard userMatches && passwordMatches else {
            site.loginThrottle.recordFailure(of: client, now: now)
            return .html(render(next: next, failed: true, site: site), status: .unauthorized)
        }
        site.loginThrottle.reset(client)
        var response = Response.redirect(to: next, type: .normal)
        response.setCookie(
            Cookie(
                name: WebSessions.cookieName, value: site.sessions.open(), path: "/", httpOnly: true, sameSite: .strict)
        )
        return response
    }

    /// `next` when it is a path of this site (`/runs?status=FAILURE`): one leading slash, no
    /// backslash (browsers read `/\\evil.example` as another site) and no control character.
    static func safeNext(_ next: String) -> String? {
        guard next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"),
            !next.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return next
    }

    /// Ends the session.
    static func logout(_ request: Request, site: WebSite) -> Response {
        if let token = request.cookies[WebSessions.cookieName]?.value { site.sessions.close(token) }
        var response = Response.redirect(to: "/login", type: .normal)
        response.setCookie(Cookie(name: WebSessions.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true))
        return response
    }
}
