import Foundation
import Hummingbird

/// `/login` and `/logout`: the pages' login on a server with credentials.
enum LoginPage {
    /// The login page; `failed` says the last try was wrong, `notice` anything else to say.
    static func render(next: String?, failed: Bool, site: WebSite, notice: String? = nil) -> String {
        let flash = failed ? "Wrong user or password." : notice
        let body = """
            <div class="card login"><h1>Sign in</h1><p class="subtitle">This Cairn server requires a login.</p>
            \(flash.map { "<div class=\"flash error\">\(HTML.escape($0))</div>" } ?? "")
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
        if let wait = site.loginThrottle.attempt(by: client, now: site.now()) {
            let seconds = Int(wait.rounded(.up))
            var response = Response.html(
                render(
                    next: next, failed: false, site: site, notice: "Too many failed logins; try again in \(seconds) s."),
                status: .tooManyRequests)
            response.headers[.retryAfter] = String(seconds)
            return response
        }
        // Both are compared, whatever the first says, so the time taken tells nothing.
        let userMatches = WebCredentials.constantTimeEquals(form.raw("user") ?? "", credentials.user)
        let passwordMatches = WebCredentials.constantTimeEquals(form.raw("password") ?? "", credentials.password)
        guard userMatches && passwordMatches else {
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
