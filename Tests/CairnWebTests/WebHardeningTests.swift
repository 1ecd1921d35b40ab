import Cairn
import Foundation
import Testing

@testable import CairnWeb

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Requests a hostile client sends: GraphQL queries nested or aliased without end, other hosts
/// and origins (DNS rebinding), password guessing, redirects off-site, oversized bodies, HEAD.
@Suite struct WebHardeningTests {
    /// Posts a GraphQL query and returns the status and the error messages.
    static func graphQL(_ server: WebTestServer, _ query: String, variables: [String: Any] = [:]) async throws
        -> (status: Int, errors: [String])
    {
        let body = try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables])
        let response = try await server.send(
            "/graphql", method: "POST", headers: ["Content-Type": "application/json"], body: body)
        let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any]
        return (response.status, GraphQLTests.errors(json ?? [:]))
    }

    /// Sends `request` as written to the server's port and returns the status line and headers:
    /// what URLSession would not send (another `Host`, an `Origin`).
    static func raw(_ server: WebTestServer, _ request: String) throws -> String {
        let port = UInt16(server.url.split(separator: ":").last!)!
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        #expect(connected == 0)
        _ = request.withCString { send(descriptor, $0, strlen($0), 0) }
        var response = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = recv(descriptor, &buffer, buffer.count, 0)
            guard count > 0 else { break }
            response.append(contentsOf: buffer[0..<count])
            if String(decoding: response, as: UTF8.self).contains("\r\n\r\n") { break }
        }
        return String(decoding: response, as: UTF8.self)
    }

    @Test func graphQLRequestsOverALimitAreRefusedByNameAndTheServerGoesOn() async throws {
        try await WebTestServer.with { server in
            let deep = String(repeating: "{ a ", count: 900) + String(repeating: "}", count: 900)
            let nested = try await Self.graphQL(server, deep)
            #expect(nested.status == 400)
            #expect(nested.errors == ["request refused: the query nests selections deeper than 24 levels"])

            let lists =
                "{ runs(statuses: " + String(repeating: "[", count: 40) + "\"A\""
                + String(repeating: "]", count: 40) + ") { nodes { id } } }"
            #expect(
                try await Self.graphQL(server, lists).errors == [
                    "request refused: the query nests lists deeper than 2 levels"
                ])

            let aliases =
                "{ " + (0..<5000).map { "a\($0): runs(first: 1000) { nodes { id } }" }.joined(separator: " ") + " }"
            let aliased = try await Self.graphQL(server, aliases)
            #expect(
                aliased.errors.first?.contains("the query is") == true
                    || aliased.errors.first?.contains("aliases") == true)
            let someAliases =
                "{ " + (0..<65).map { "a\($0): runs(first: 1) { nodes { id } }" }.joined(separator: " ") + " }"
            #expect(
                try await Self.graphQL(server, someAliases).errors == [
                    "request refused: the query has more than 64 aliases"
                ])

            var variables: Any = "x"
            for _ in 0..<20 { variables = [variables] }
            let deepVariables = try await Self.graphQL(
                server, "query($s: [String]) { runs(statuses: $s) { nodes { id } } }", variables: ["s": variables])
            #expect(deepVariables.errors == ["request refused: the variables nest deeper than 8 levels"])

            // Strings end where GraphQL's lexer ends them: an escaped quote in a block string does not
            // hide the selections after it, and neither does a backslash before a closing quote.
            let nesting = String(repeating: "{ a ", count: 900) + String(repeating: "}", count: 900)
            for prefix in [#"query($v: String = """\"x""") "#, #"query($v: String = "a\\") "#] {
                let hidden = try await Self.graphQL(server, prefix + nesting)
                #expect(
                    hidden.errors == ["request refused: the query nests selections deeper than 24 levels"], "\(prefix)")
            }
            #expect(
                try await Self.graphQL(server, "} " + nesting).errors == [
                    "request refused: the query closes a '}' it never opened"
                ])

            // A string or a comment holding brackets counts for nothing.
            let fine = try await Self.graphQL(
                server, "# {{{{ [[[[\n{ runs(first: 2, statuses: [\"SUCCESS\"]) { nodes { id } } q: jobs }")
            #expect(fine.status == 200 && fine.errors.isEmpty, "\(fine.errors)")
            let introspection = try await Self.graphQL(
                server,
                "{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }"
            )
            #expect(introspection.status == 200 && introspection.errors.isEmpty)
        }
    }

    @Test func otherHostsAndOriginsAreRefused() async throws {
        try await WebTestServer.with { server in
            let port = server.url.split(separator: ":").last!
            let rebound = try Self.raw(
                server, "GET / HTTP/1.1\r\nHost: attacker.example:\(port)\r\nConnection: close\r\n\r\n")
            #expect(rebound.hasPrefix("HTTP/1.1 403"), "\(rebound)")
            let local = try Self.raw(server, "GET / HTTP/1.1\r\nHost: localhost:\(port)\r\nConnection: close\r\n\r\n")
            #expect(local.hasPrefix("HTTP/1.1 200"), "\(local)")
            let otherPort = try Self.raw(server, "GET / HTTP/1.1\r\nHost: 127.0.0.1:1\r\nConnection: close\r\n\r\n")
            #expect(otherPort.hasPrefix("HTTP/1.1 403"))
            let body = #"{"query":"mutation { startSchedule(name: \"x\") }"}"#
            let crossSite = try Self.raw(
                server,
                "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://attacker.example\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            )
            #expect(crossSite.hasPrefix("HTTP/1.1 403"), "\(crossSite)")
            let sameSite = try Self.raw(
                server,
                "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nOrigin: http://127.0.0.1:\(port)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
            )
            #expect(sameSite.hasPrefix("HTTP/1.1 200"), "\(sameSite)")

            let jsonfoo = try await server.send(
                "/graphql", method: "POST", headers: ["Content-Type": "application/jsonfoo"],
                body: Data(#"{"query":"{ jobs { name } }"}"#.utf8))
            #expect(jsonfoo.status == 400)
            let charset = try await server.send(
                "/graphql", method: "POST", headers: ["Content-Type": "application/json; charset=utf-8"],
                body: Data(#"{"query":"{ jobs { name } }"}"#.utf8))
            #expect(charset.status == 200)
        }
        let loopback = WebConfiguration(host: "127.0.0.1", port: 3000)
        for name in [
            "localhost.:3000", "[::1]:3000", "[0:0:0:0:0:0:0:1]:3000", "[::ffff:127.0.0.1]:3000", "127.0.0.1.",
        ] {
            #expect(loopback.accepts(hostHeader: name, servedPort: 3000), "\(name)")
        }
        #expect(!loopback.accepts(hostHeader: "[::ffff:10.0.0.1]:3000", servedPort: 3000))
        let proxied = WebConfiguration(host: "127.0.0.1", port: 3000, allowedHosts: ["cairn.example"])
        #expect(proxied.accepts(hostHeader: "cairn.example", servedPort: 3000))
        #expect(proxied.accepts(origin: "https://cairn.example", host: "127.0.0.1:3000"))
        #expect(!proxied.accepts(origin: "null", host: "127.0.0.1:3000"))
        #expect(!proxied.accepts(origin: "https://evil.example", host: "127.0.0.1:3000"))
        #expect(!WebConfiguration(host: "127.0.0.1.nip.io").isLoopback)
        #expect(throws: WebConfigurationError.credentialsRequired(host: "127.0.0.1.nip.io")) {
            try WebConfiguration(host: "127.0.0.1.nip.io").validate()
        }
        #expect(WebConfiguration(host: "127.1.2.3").isLoopback && WebConfiguration(host: "::1").isLoopback)
        #expect(!WebConfiguration(host: "127.0.0.256").isLoopback && !WebConfiguration(host: "1127.0.0.1").isLoopback)
    }

    @Test func loginsAreThrottledPerClientAndRedirectOnlyWithinTheSite() async throws {
        let configuration = WebConfiguration(port: 0, credentials: WebSecurityTests.credentials)
        try await WebTestServer.with(configuration: configuration) { server in
            for next in ["/\\evil.example", "//evil.example", "https://evil.example", "/\u{1B}x"] {
                let login = try await server.post(
                    "/login", form: ["user": "ada", "password": "correct horse", "next": next])
                #expect(login.status == 303 && login.location == "/", "\(next)")
            }
            for _ in 0..<5 {
                #expect(try await server.post("/login", form: ["user": "ada", "password": "wrong"]).status == 401)
            }
            let throttled = try await server.post("/login", form: ["user": "ada", "password": "correct horse"])
            #expect(throttled.status == 429)
            #expect(throttled.body.contains("Too many failed logins; try again in"))
            #expect(Int(throttled.headers["retry-after"] ?? "") ?? 0 > 0)
        }
        let throttle = LoginThrottle(maxFailures: 2, window: 60, maxClients: 2)
        let start = Date()
        #expect(throttle.attempt(by: "a", now: start) == nil)
        #expect(throttle.attempt(by: "a", now: start) == nil)
        #expect(throttle.attempt(by: "a", now: start.addingTimeInterval(10)) == 50)
        #expect(throttle.attempt(by: "b", now: start) == nil)
        #expect(throttle.attempt(by: "a", now: start.addingTimeInterval(61)) == nil)
        throttle.reset("a")
        #expect(throttle.attempt(by: "a", now: start.addingTimeInterval(62)) == nil)
        #expect(LoginThrottle.client(ofAddress: "2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64")
        #expect(LoginThrottle.client(ofAddress: "2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64")
        #expect(LoginThrottle.client(ofAddress: "192.0.2.7") == "192.0.2.7")
    }

    @Test func anOversizedBodyIs413AndHEADAnswersLikeGET() async throws {
        try await WebTestServer.with { server in
            let big = Data(repeating: UInt8(ascii: "a"), count: WebSite.maxBodySize + 1)
            let oversized = try await server.send(
                "/graphql", method: "POST", headers: ["Content-Type": "application/json"], body: big)
            #expect(oversized.status == 413)
            let head = try await server.send("/assets", method: "HEAD")
            #expect(head.status == 200)
            #expect(head.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(head.body.isEmpty)
        }
    }

    @Test func csrfTokensBelongToSessionsAndTheLoginPageShowsNone() async throws {
        let configuration = WebConfiguration(port: 0, credentials: WebSecurityTests.credentials)
        try await WebTestServer.with(configuration: configuration) { server in
            func session() async throws -> (cookie: String, token: String) {
                let login = try await server.post("/login", form: ["user": "ada", "password": "correct horse"])
                let cookie = try #require(login.headers["set-cookie"]?.split(separator: ";").first.map(String.init))
                let token = try #require(try await server.get("/assets", headers: ["Cookie": cookie]).csrfToken)
                return (cookie, token)
            }
            let (first, second) = (try await session(), try await session())
            #expect(!first.token.isEmpty && first.token != second.token)
            #expect(try await server.get("/login").csrfToken == "")
            let crossed = try await server.post(
                "/logout", form: [:], csrf: second.token, headers: ["Cookie": first.cookie])
            #expect(crossed.status == 403)
            let own = try await server.post("/logout", form: [:], csrf: first.token, headers: ["Cookie": first.cookie])
            #expect(own.status == 303)
        }
    }
}
