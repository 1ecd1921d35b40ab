import Cairn
import CairnSQLite
import Foundation
import GRDB
import Testing

@Suite struct SQLiteTablePartitionTests {
    struct Sale: Codable, Sendable, Equatable {
        var day: String
        var amount: Int
    }

    @Test func eachPartitionHasATableOfItsOwn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-\(UUID())")
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("warehouse.sqlite").path
        let sales = Asset(
            "sales", partitions: .daily(start: "2024-01-01", end: "2024-01-05"), io: .sqliteTable(path: path)
        ) { context in
            let day = try context.partitionKey.rawValue
            return [Sale(day: day, amount: Int(day.suffix(2))!), Sale(day: day, amount: 100)]
        }
        let definitions = Definitions(assets: [sales])
        let storage = InMemoryStorage()
        for day in ["2024-01-02", "2024-01-03"] {
            let result = try await definitions.materialize(
                "*", storage: storage, defaultIOManager: MemoryIOManager(), partition: PartitionKey(day))
            #expect(result.succeeded)
        }
        let queue = try DatabaseQueue(path: path)
        let tables = try await queue.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        }
        #expect(tables == ["sales[2024-01-02]", "sales[2024-01-03]"])
        let loaded = try await definitions.loadValue(
            of: sales, partition: "2024-01-03", defaultIOManager: MemoryIOManager())
        #expect(loaded == [Sale(day: "2024-01-03", amount: 3), Sale(day: "2024-01-03", amount: 100)])
    }
}
