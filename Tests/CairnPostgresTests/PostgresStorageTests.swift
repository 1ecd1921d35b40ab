import Cairn
import CairnPostgres
import CairnTesting
import Foundation
import Testing

@Suite struct PostgresStorageTests {
    @Test(arguments: StorageConformance.checks)
    func conformance(_ check: StorageConformance.Check) async throws {
        try await TestDatabase.withStorage { try await check.run(on: $0) }
    }
}
