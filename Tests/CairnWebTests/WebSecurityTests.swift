import Cairn
import CairnWeb
import Foundation
import Testing

/// Bindings, credentials, logins, bearer tokens and the headers of every response.
@Suite struct WebSecurityTests {
    static let credentials = WebCredentials(token: "0123456789abcdef-token", user: "ada", password: "correct horse")

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        try await WebTestServer.with { server in
            for path in ["/", "/assets", "/nope", "/runs/unknown", "/static/cairn.css"] {
                let response = try await server.get(path)
                #expect(response.headers["content-security-policy"]?.contains("default-src 'self'") == true, "\(path)")
                #expect(response.headers["x-content-type-options"] == "nosniff")
                #expect(response.headers["x-frame-options"] == "DENY")
                #expect(response.headers["referrer-policy"] == "same-origin")
            }
        }
    }

    @Test func anotherAddressThanLoopbackNeedsCredentials() throws {
        #expect(throws: WebConfigurationError.credentialsRequired(host: "0.0.0.0")) {
            try WebConfiguration(host: "0.0.0.0").validate()
        }
        try WebConfiguration(host: "0.0.0.0", credentials: Self.credentials).validate()
        try WebConfiguration(host: "127.0.0.1").validate()
        #expect(throws: WebConfigurationError.incompleteCredentials(missing: WebCredentials.passwordVariable)) {
            try WebCredentials(environment: [WebCredentials.tokenVariable: "0123456789abcdef-token"])
        }
        #expect(throws: WebConfigurationError.weakCredentials) {
            try WebCredentials(environment: [
                WebCredentials.tokenVariable: "short", WebCredentials.passwordVariable: "pw",
            ])
        }
        #expect(try WebCredentials(environment: [:]) == nil)
        let read = try WebCredentials(environment: [
            WebCredentials.tokenVariable: "0123456789abcdef-token", WebCredentials.passwordVariable: "correct horse",
        ])
        #expect(read?.user == "admin")
    }

    @Test func withCredentialsPagesNeedALoginAndTheAPIABearerToken() async throws {
        let configuration = WebConfiguration(port: 0, credentials: Self.credentials)
        try await WebTestServer.with(configuration: configuration) { server in
            let anonymous = try await server.get("/assets")
            #expect(anonymous.status == 303)
            #expect(anonymous.location == "/login?next=%2Fassets")
            #expect(try await server.get("/static/cairn.css").status == 200)
            #expect(try await server.get("/login").status == 200)

            let wrong = try await server.post("/login", form: ["user": "ada", "password": "wrong", "next": "/assets"])
            #expect(wrong.status == 401)
            let login = try await server.post(
                "/login", form: ["user": "ada", "password": "correct horse", "next": "/assets"])
            #expect(login.status == 303 && login.location == "/assets")
            let cookie = try #require(login.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
            #expect(cookie.hasPrefix("cairn_session="))
            #expect(login.headers["set-cookie"]?.contains("HttpOnly") == true)
            let page = try await server.get("/assets", headers: ["Cookie": cookie])
            #expect(page.status == 200)
            let offsite = try await server.post(
                "/login", form: ["user": "ada", "password": "correct horse", "next": "//evil.example"])
            #expect(offsite.location == "/")

            let query = Data(#"{"query":"{ jobs }"}"#.utf8)
            let noToken = try await server.send(
                "/graphql", method: "POST", headers: ["Content-Type": "application/json"], body: query)
            #expect(noToken.status == 401)
            let badToken = try await server.send(
                "/graphql", method: "POST",
                headers: ["Content-Type": "application/json", "Authorization": "Bearer nope"], body: query)
            #expect(badToken.status == 401)
            let withToken = try await server.send(
                "/graphql", method: "POST",
                headers: ["Content-Type": "application/json", "Authorization": "Bearer 0123456789abcdef-token"],
                body: query)
            #expect(withToken.status == 200 && withToken.body.contains("\"jobs\""))
            let sessionWithoutCSRF = try await server.send(
                "/graphql", method: "POST", headers: ["Content-Type": "application/json", "Cookie": cookie], body: query
            )
            #expect(sessionWithoutCSRF.status == 403)
            let token = try #require(page.csrfToken)
            let sessionWithCSRF = try await server.send(
                "/graphql", method: "POST",
                headers: ["Content-Type": "application/json", "Cookie": cookie, "X-Cairn-CSRF": token], body: query)
            #expect(sessionWithCSRF.status == 200)

            let logout = try await server.post("/logout", form: [:], csrf: token, headers: ["Cookie": cookie])
            #expect(logout.status == 303)
            #expect(try await server.get("/assets", headers: ["Cookie": cookie]).status == 303)
        }
    }

    @Test func graphQLTakesOnlyJSON() async throws {
        try await WebTestServer.with { server in
            let form = try await server.send(
                "/graphql", method: "POST", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                body: Data("query=mutation".utf8))
            #expect(form.status == 400)
            let garbage = try await server.send(
                "/graphql", method: "POST", headers: ["Content-Type": "application/json"], body: Data("{".utf8))
            #expect(garbage.status == 400)
            #expect(garbage.body.contains("not a GraphQL request"))
        }
    }
}
