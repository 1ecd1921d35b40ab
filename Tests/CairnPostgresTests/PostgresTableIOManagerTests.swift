import Cairn
import Foundation
import Testing

@testable import CairnPostgres

@Suite struct PostgresTableIOManagerTests {
    struct Order: Codable, Sendable, Equatable {
        var id: Int
        var customer: String
        var amount: Double
        var paid: Bool
        var note: String?
        var placedAt: Date
        var lines: [String]
    }

    let orders = [
        Order(
            id: 1, customer: "ana", amount: 12.5, paid: true, note: nil,
            placedAt: Date(timeIntervalSince1970: 1_704_067_200.25),
            lines: ["tea"]),
        Order(
            id: 9_007_199_254_740_993, customer: "bo \"quoted\"", amount: 0.1, paid: false, note: "late",
            placedAt: Date(timeIntervalSince1970: 1_704_153_600), lines: []),
    ]

    @Test func recordsRoundTripAndAreReplacedWhole() async throws {
        try await TestDatabase.withStorage { storage in
            let io = PostgresTableIOManager(storage.location)
            let output = OutputContext(assetKey: "warehouse/orders", runID: "r1", stepKey: "orders")
            let metadata = try await io.handleOutput(orders, context: output)
            #expect(metadata["table"] == .text("warehouse__orders"))
            #expect(metadata["row_count"] == .int(2))
            let input = InputContext(assetKey: "warehouse/orders", runID: "r2")
            #expect(try await io.loadInput([Order].self, context: input) == orders)
            // A new value replaces the old one whole.
            _ = try await io.handleOutput([orders[1]], context: output)
            #expect(try await io.loadInput([Order].self, context: input) == [orders[1]])
            // Other tools read the table with SQL.
            let count = try await storage.rows("SELECT count(*) FROM warehouse__orders").first?.decode(Int64.self)
            #expect(count == 1)
        }
    }

    @Test func partitionsAreRowSetsOfOneTable() async throws {
        try await TestDatabase.withStorage { storage in
            let io = PostgresTableIOManager(storage.location)
            for (day, order) in zip(["2024-01-01", "2024-01-02"], orders) {
                _ = try await io.handleOutput(
                    [order],
                    context: OutputContext(
                        assetKey: "daily_orders", runID: "r", stepKey: "s", partitionKey: PartitionKey(day)))
            }
            _ = try await io.handleOutput(
                [orders[0], orders[0]],
                context: OutputContext(assetKey: "daily_orders", runID: "r", stepKey: "s", partitionKey: "2024-01-01"))
            let first = try await io.loadInput(
                [Order].self, context: InputContext(assetKey: "daily_orders", runID: "r", partitionKey: "2024-01-01"))
            let second = try await io.loadInput(
                [Order].self, context: InputContext(assetKey: "daily_orders", runID: "r", partitionKey: "2024-01-02"))
            #expect(first == [orders[0], orders[0]])
            #expect(second == [orders[1]])
            await #expect(throws: IOManagerError.self) {
                _ = try await io.loadInput(
                    [Order].self,
                    context: InputContext(assetKey: "daily_orders", runID: "r", partitionKey: "2024-01-03"))
            }
        }
    }

    @Test func manyRecordsAndAFieldThatAppearsLate() async throws {
        struct Reading: Codable, Sendable, Equatable {
            var sensor: Int
            var value: Double?
        }
        try await TestDatabase.withStorage { storage in
            let io = PostgresTableIOManager(storage.location)
            let readings = (0..<2_500).map { Reading(sensor: $0, value: $0 < 1_500 ? nil : Double($0) / 4) }
            _ = try await io.handleOutput(
                readings, context: OutputContext(assetKey: "readings", runID: "r", stepKey: "s"))
            #expect(
                try await io.loadInput([Reading].self, context: InputContext(assetKey: "readings", runID: "r"))
                    == readings)
        }
    }

    @Test func aMissingValueAndAValueThatIsNoTableSayWhatIsWrong() async throws {
        try await TestDatabase.withStorage { storage in
            let io = PostgresTableIOManager(storage.location)
            let missing = await #expect(throws: IOManagerError.self) {
                _ = try await io.loadInput([Int].self, context: InputContext(assetKey: "nothing", runID: "r"))
            }
            #expect("\(missing!)".contains("nothing"))
            let notRecords = await #expect(throws: PostgresStorageError.self) {
                _ = try await io.handleOutput(42, context: OutputContext(assetKey: "answer", runID: "r", stepKey: "s"))
            }
            #expect(notRecords?.description.contains("is not an array of records") == true)
        }
    }
}
