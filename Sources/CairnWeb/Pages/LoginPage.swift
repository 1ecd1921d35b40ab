import Foundation
import Hummingbird

/// `/login` and `/logout`: the pages' login on a server with credentials.
enum LoginPage {
    static func render(next: String?, failed: Bool, site: WebSite) -> String {
        let body = """
            <div class="card login"><h1>Sign in</h1><p class="subtitle">This Cairn server requires a login.</p>
            \(failed ? "<div class=\"flash error\">Wrong user or password.</div>" : "")
            <form method="post" action="/login"><input type="hidden" name="next" value="\(HTML.escape(next ?? "/"))">
            <label class="field"><span>User</span><input type="text" name="user" autocomplete="username" required></label>
            <label class="field"><span>Password</span><input type="password" name="password" \
            autocomplete="current-password" required></label>
            <button class="button primary" type="submit">Sign in</button></form></div>
            """
        return PageLayout.render("Sign in", section: nil, site: site, body: body)
    }

    /// Checks the posted user and password; opens a session and goes on to `next` when they match.
    static func submit(_ form: FormFields, site: WebSite) async throws -> Response {
        guard let credentials = site.configuration.credentials else { return .redirect(to: "/", type: .normal) }
        let next = form["next"].flatMap { $0.hasPrefix("/") && !$0.hasPrefix("//") ? $0 : nil } ?? "/"
        guard WebCredentials.constantTimeEquals(form.raw("user") ?? "", credentials.user),
            WebCredentials.constantTimeEquals(form.raw("password") ?? "", credentials.password)
        else {
            return .html(render(next: next, failed: true, site: site), status: .unauthorized)
        }
        var response = Response.redirect(to: next, type: .normal)
        response.setCookie(
            Cookie(
                name: WebSessions.cookieName, value: site.sessions.open(), path: "/", httpOnly: true, sameSite: .strict)
        )
        return response
    }

    /// Ends the session.
    static func logout(_ request: Request, site: WebSite) -> Response {
        if let token = request.cookies[WebSessions.cookieName]?.value { site.sessions.close(token) }
        var response = Response.redirect(to: "/login", type: .normal)
        response.setCookie(Cookie(name: WebSessions.cookieName, value: "", maxAge: 0, path: "/", httpOnly: true))
        return response
    }
}
