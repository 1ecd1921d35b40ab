import Foundation
import Testing

@testable import CairnPostgres

@Suite struct PostgresLocationTests {
    @Test func urlPartsAreRead() throws {
        let location = try PostgresLocation(
            "postgresql://cairn:s%40cret@db.example.com:6543/warehouse?schema=cairn_prod&sslmode=require",
            environment: [:])
        #expect(location.host == "db.example.com")
        #expect(location.port == 6543)
        #expect(location.user == "cairn")
        #expect(location.database == "warehouse")
        #expect(location.schema == "cairn_prod")
        #expect(location.sslMode == "require")
        #expect(
            location.description
                == "postgresql://cairn:***@db.example.com:6543/warehouse?schema=cairn_prod&sslmode=require")
    }

    @Test func defaultsAreLibpqs() throws {
        let location = try PostgresLocation("postgres://db", environment: ["USER": "ana"])
        #expect(location.port == 5432)
        #expect(location.user == "ana")
        #expect(location.database == "ana")
        #expect(location.schema == nil)
        #expect(location.sslMode == "prefer")
        #expect(location.description == "postgresql://ana@db:5432/ana")
    }

    @Test func passwordComesFromTheEnvironmentOrThePasswordFileAndIsNeverShown() throws {
        let fromEnvironment = try PostgresLocation(
            "postgresql://cairn@db/cairn", environment: ["PGPASSWORD": "from-env"])
        #expect(!fromEnvironment.description.contains("from-env"))
        #expect(fromEnvironment.description.contains(":***@"))
        let directory = FileManager.default.temporaryDirectory.appending(path: "pgpass-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appending(path: "pgpass")
        try """
        # comment
        other:5432:cairn:cairn:wrong
        db:5432:cairn:cairn:from\\:file
        *:*:*:*:fallback
        """.write(to: file, atomically: true, encoding: .utf8)
        let fromFile = try PostgresLocation("postgresql://cairn@db/cairn", environment: ["PGPASSFILE": file.path])
        #expect(fromFile.description.contains(":***@"))
        #expect(
            PostgresLocation.passwordFromFile(
                environment: ["PGPASSFILE": file.path], host: "db", port: 5432, database: "cairn", user: "cairn")
                == "from:file")
        #expect(
            PostgresLocation.passwordFromFile(
                environment: ["PGPASSFILE": file.path], host: "x", port: 1, database: "y", user: "z") == "fallback")
        let none = try PostgresLocation("postgresql://cairn@db/cairn", environment: [:])
        #expect(none.description == "postgresql://cairn@db:5432/cairn")
    }

    @Test func passwordsAreDecodedOnceAndRedactedWhereverTheyAre() throws {
        let location = try PostgresLocation("postgresql://cairn:50%25off@db/cairn", environment: [:])
        #expect(location.password == "50%off")
        #expect(
            PostgresLocation.redacting("postgresql://alice@db/cairn?password=s3cret&pool=3")
                == "postgresql://alice@db/cairn?password=***&pool=3")
        #expect(PostgresLocation.redacting("postgresql://u:p@ss@h:5432/d") == "postgresql://u:***@h:5432/d")
        #expect(
            !"\((try? PostgresLocation("postgresql://alice@db/cairn?password=s3cret&pool=3")) as Any)".contains(
                "s3cret"))
    }

    @Test(arguments: [
        ("postgresql://u:pw@h:99999/d", "port 99999 is not between 1 and 65535"),
        ("postgresql://u:pw@h/d?schema=Bad-Name", "schema 'Bad-Name' is not a plain name"),
        ("postgresql://u:pw@h/d?schema=public", "not public"),
        ("postgresql://u@h/d?password=pw&pool=3", "parameter 'pool', which Cairn does not know"),
        ("postgresql://u:pw@h/d?sslmode=sometimes", "sslmode 'sometimes' is not one of"),
        ("postgresql://u:pw@h/d?pool=3", "parameter 'pool', which Cairn does not know"),
        ("mysql://u:pw@h/d", "not a URL of the form postgresql://"),
    ])
    func badLocationsSayWhatIsWrongWithoutThePassword(_ url: String, _ expected: String) {
        #expect {
            _ = try PostgresLocation(url, environment: [:])
        } throws: { error in
            let message = "\(error)"
            return message.contains(expected) && !message.contains("pw")
        }
    }
}
