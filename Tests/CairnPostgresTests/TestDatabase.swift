import CairnPostgres
import Foundation
import Testing

/// The PostgreSQL server the tests use: `CAIRN_TEST_POSTGRES_URL`, which `scripts/test` sets to a
/// server it starts (initdb into a temporary directory, a free port) and always stops.
///
/// Each test gets a schema of its own, so tests run in parallel on one database and each starts
/// empty. Without the variable the tests fail, saying how to run them: they never pass unrun.
enum TestDatabase {
    /// The server's location, or a failure that says how to get one.
    static func location() throws -> PostgresLocation {
        guard let url = ProcessInfo.processInfo.environment["CAIRN_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw MissingServer()
        }
        return try PostgresLocation(url)
    }

    /// A new, empty schema's storage; dropped by `withStorage` after the test.
    static func withStorage<T>(_ body: (PostgresStorage) async throws -> T) async throws -> T {
        let location = try location().inSchema(
            "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))
        let storage = try await PostgresStorage.open(location)
        do {
            let result = try await body(storage)
            try await drop(storage)
            return result
        } catch {
            try? await drop(storage)
            throw error
        }
    }

    /// Drops the storage's schema and closes it.
    static func drop(_ storage: PostgresStorage) async throws {
        try await storage.dropSchema()
        await storage.close()
    }

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "CAIRN_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts a PostgreSQL "
                + "server, or set it to a server's URL (postgresql://postgres@127.0.0.1:5432/postgres)"
        }
    }
}
