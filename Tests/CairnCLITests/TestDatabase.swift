import CairnPostgres
import Foundation

/// The PostgreSQL server of the tests (`CAIRN_TEST_POSTGRES_URL`, which `scripts/test` sets to a
/// server it starts); without it the tests that need one fail, saying how to run them.
enum TestDatabase {
    static func location() throws -> PostgresLocation {
        guard let url = ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw MissingServer()
        }
        return try PostgresLocation(url)
    }

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "CAIRN_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts a PostgreSQL server"
        }
    }
}
