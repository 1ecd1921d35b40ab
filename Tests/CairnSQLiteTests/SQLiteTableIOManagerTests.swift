import Cairn
import Foundation
import GRDB
import Synchronization
import Testing

@testable import CairnSQLite

@Suite struct SQLiteTableIOManagerTests {
    enum Status: String, Codable, Sendable { case open, shipped }
    enum Priority: Int, Codable, Sendable {
        case low = 1
        case high = 2
    }

    struct Everything: Codable, Sendable, Equatable {
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var bool: Bool
        var double: Double
        var float: Float
        var string: String
        var date: Date
        var url: URL
        var decimal: Decimal
        var data: Data
        var uuid: UUID
        var status: Status
        var priority: Priority
        var optionalInt: Int?
        var optionalString: String?
        var optionalDate: Date?
        var optionalDouble: Double?
        var optionalBool: Bool?
    }

    struct Order: Codable, Sendable, Equatable {
        var id: Int
        var customer: String
        var amount: Double
    }

    static func everything(_ index: Int, optionals: Bool) -> Everything {
        Everything(
            int: -index, int8: -8, int16: 1600, int32: -32_000_000, int64: Int64.min + 1, uint: 42, uint8: 255,
            uint16: 65_535, uint32: 4_000_000_000, uint64: UInt64(Int64.max), bool: index.isMultiple(of: 2),
            double: 52.125 + Double(index), float: 1.5, string: "O'Reilly, \"quoted\" ✓ \(index)",
            date: Date(timeIntervalSince1970: 1_711_976_700.25 + Double(index)),
            url: URL(string: "https://example.com/a?b=c")!,
            decimal: Decimal(string: "12345678901234567.89")!, data: Data([0, 1, 2, 255]),
            uuid: UUID(uuidString: "E621E1F8-C36C-495A-93FC-0C247A3E6E5F")!, status: .shipped, priority: .high,
            optionalInt: optionals ? 7 : nil, optionalString: optionals ? "" : nil,
            optionalDate: optionals ? Date(timeIntervalSince1970: -86_400.001) : nil,
            optionalDouble: optionals ? -0.5 : nil, optionalBool: optionals ? false : nil)
    }

    @Test func roundTripsEveryFieldType() async throws {
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "nested/dirs/tables.sqlite").path)
            let records = [Self.everything(1, optionals: true), Self.everything(2, optionals: false)]
            _ = try await io.handleOutput(records, context: output("everything"))
            let loaded = try await io.loadInput([Everything].self, context: input("everything"))
            #expect(loaded == records)

            let queue = try DatabaseQueue(path: io.path)
            let types = try await queue.read { db in
                try Dictionary(uniqueKeysWithValues: db.columns(in: "everything").map { ($0.name, $0.type) })
            }
            #expect(types["int"] == "INTEGER" && types["uint64"] == "INTEGER" && types["bool"] == "INTEGER")
            #expect(types["double"] == "REAL" && types["float"] == "REAL" && types["optionalDouble"] == "REAL")
            #expect(types["string"] == "TEXT" && types["date"] == "TEXT" && types["decimal"] == "TEXT")
            #expect(types["data"] == "BLOB" && types["status"] == "TEXT" && types["priority"] == "INTEGER")
            let stored = try await queue.read { db in
                let row = try Row.fetchOne(
                    db, sql: "SELECT date, optionalDate, bool, uuid FROM everything ORDER BY rowid")!
                return [row["date"], row["optionalDate"], row["bool"], row["uuid"]].map { "\($0 ?? "NULL")" }
            }
            #expect(
                stored == [
                    "2024-04-01T13:05:01.250Z", "1969-12-30T23:59:59.999Z", "0", "E621E1F8-C36C-495A-93FC-0C247A3E6E5F",
                ])
        }
    }

    @Test func reportsPathTableRowCountAndSchema() async throws {
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "tables.sqlite").path)
            let metadata = try await io.handleOutput(
                [Self.everything(1, optionals: true), Self.everything(2, optionals: false)],
                context: output("everything"))
            #expect(metadata["path"] == .path(io.path))
            #expect(metadata["table"] == .text("everything"))
            #expect(metadata["row_count"] == .int(2))
            guard case .tableSchema(let schema) = metadata["schema"] else {
                Issue.record("no schema in \(metadata)")
                return
            }
            let types = Dictionary(uniqueKeysWithValues: schema.columns.map { ($0.name, $0.type) })
            #expect(schema.columns.first?.name == "int")
            #expect(schema.columns.count == 26)
            #expect(types["int"] == "INTEGER" && types["double"] == "REAL" && types["date"] == "TEXT")
            #expect(types["optionalInt"] == "INTEGER?" && types["optionalDate"] == "TEXT?")
        }
    }

    @Test func replacesTheTableAtomically() async throws {
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "tables.sqlite").path)
            _ = try await io.handleOutput((1...3).map { Probe(id: $0) }, context: output("items"))

            // While the new value is written, another connection still reads the old table.
            let seen = Mutex<[String]>([])
            let path = io.path
            let probe: @Sendable () throws -> Void = {
                let reader = try DatabaseQueue(path: path)
                let state = try reader.read { db in
                    let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM items")!
                    return "\(count) rows, new table visible: \(try db.tableExists("items__new"))"
                }
                seen.withLock { $0.append(state) }
            }
            let replacement = (1...2500).map { Probe(id: 1000 + $0, probe: $0 == 1500 ? probe : nil) }
            let metadata = try await io.handleOutput(replacement, context: output("items"))
            #expect(seen.withLock { $0 } == ["3 rows, new table visible: false"])
            #expect(metadata["row_count"] == .int(2500))

            let loaded = try await io.loadInput([Probe].self, context: input("items"))
            #expect(loaded.map(\.id) == Array(1001...3500))
            let tables = try await DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            }
            #expect(tables == ["items"])

            // A write that fails half-way leaves the old table as it was.
            let failing: @Sendable () throws -> Void = { throw ProbeFailure() }
            let broken = (1...2500).map { Probe(id: $0, probe: $0 == 1500 ? failing : nil) }
            await #expect(throws: ProbeFailure.self) {
                try await io.handleOutput(broken, context: output("items"))
            }
            #expect(try await io.loadInput([Probe].self, context: input("items")).map(\.id) == Array(1001...3500))
        }
    }

    @Test func viewsOverTheTableReadTheNewRows() async throws {
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "tables.sqlite").path)
            _ = try await io.handleOutput([Order(id: 1, customer: "Ada", amount: 10)], context: output("orders"))
            let queue = try DatabaseQueue(path: io.path)
            try await queue.write { db in
                try db.execute(sql: "CREATE VIEW big_orders AS SELECT id FROM orders WHERE amount > 5")
            }
            let orders = [Order(id: 2, customer: "Bob", amount: 20), Order(id: 3, customer: "Cy", amount: 1)]
            _ = try await io.handleOutput(orders, context: output("orders"))
            let ids = try await queue.read { db in try Int.fetchAll(db, sql: "SELECT id FROM big_orders") }
            #expect(ids == [2])
        }
    }

    @Test func leavesTheTableOfAnAssetNamedNewAlone() async throws {
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "tables.sqlite").path)
            let new = [Order(id: 1, customer: "new", amount: 1)]
            let old = [Order(id: 2, customer: "old", amount: 2)]
            _ = try await io.handleOutput(new, context: output("orders/new"))
            _ = try await io.handleOutput(old, context: output("orders"))
            _ = try await io.handleOutput(old, context: output("orders"))
            #expect(try await io.loadInput([Order].self, context: input("orders/new")) == new)
            #expect(try await io.loadInput([Order].self, context: input("orders")) == old)
        }
    }

    @Test func storesKeysWithSeveralComponentsAndOddNames() async throws {
        try await withTemporaryDirectory { directory in
            let io: (any IOManager)? = .sqliteTable(path: directory.appending(path: "tables.sqlite").path)
            let manager = try #require(io as? SQLiteTableIOManager)
            let orders = [Order(id: 1, customer: "Ada", amount: 10.5), Order(id: 2, customer: "Bob", amount: 3)]
            let metadata = try await manager.handleOutput(orders, context: output("warehouse/orders"))
            #expect(metadata["table"] == .text("warehouse__orders"))
            #expect(SQLiteTableIOManager.tableName(for: "warehouse/orders") == "warehouse__orders")
            #expect(try await manager.loadInput([Order].self, context: input("warehouse/orders")) == orders)
            let count = try await DatabaseQueue(path: manager.path).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM warehouse__orders")
            }
            #expect(count == 2)

            let odd: AssetKey = "my \"odd\" schema/drop table; --"
            _ = try await manager.handleOutput(orders, context: output(odd))
            #expect(try await manager.loadInput([Order].self, context: input(odd)) == orders)
        }
    }

    @Test func addsColumnsThatOnlyLaterRecordsHave() async throws {
        struct Note: Codable, Sendable, Equatable {
            var id: Int
            var note: String?
            var weight: Double?
        }
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "tables.sqlite").path)
            let notes = (1...2500).map { Note(id: $0, note: $0 > 1800 ? "n\($0)" : nil, weight: $0 == 3 ? 1 : nil) }
            let metadata = try await io.handleOutput(notes, context: output("notes"))
            #expect(try await io.loadInput([Note].self, context: input("notes")) == notes)
            guard case .tableSchema(let schema) = metadata["schema"] else {
                Issue.record("no schema in \(metadata)")
                return
            }
            #expect(schema.columns.map(\.name) == ["id", "weight", "note"])
            #expect(schema.columns.map(\.type) == ["INTEGER", "REAL?", "TEXT?"])

            _ = try await io.handleOutput([Note](), context: output("notes"))
            #expect(try await io.loadInput([Note].self, context: input("notes")) == [])
        }
    }

    @Test func twoManagersShareOneFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "tables.sqlite").path
            let writer = SQLiteTableIOManager(path: path)
            let reader = SQLiteTableIOManager(path: path)
            _ = try await writer.handleOutput([Order(id: 1, customer: "Ada", amount: 1)], context: output("other"))
            await #expect(throws: IOManagerError.self) {
                try await reader.loadInput([Order].self, context: input("orders"))
            }
            let orders = [Order(id: 2, customer: "Bob", amount: 2)]
            _ = try await writer.handleOutput(orders, context: output("orders"))
            #expect(try await reader.loadInput([Order].self, context: input("orders")) == orders)
        }
    }

    @Test func missingTableIsAMissingValue() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "tables.sqlite").path
            let io = SQLiteTableIOManager(path: path)
            do {
                _ = try await io.loadInput([Order].self, context: input("warehouse/orders"))
                Issue.record("loaded a table that does not exist")
            } catch IOManagerError.missingValue(let key, let location) {
                #expect(key == "warehouse/orders")
                #expect(location == "\(path) table warehouse__orders")
            }
            #expect(!FileManager.default.fileExists(atPath: path))

            _ = try await io.handleOutput([Order(id: 1, customer: "Ada", amount: 1)], context: output("other"))
            let error = await #expect(throws: IOManagerError.self) {
                try await io.loadInput([Order].self, context: input("warehouse/orders"))
            }
            #expect(error?.description.contains("\(path) table warehouse__orders") == true)
        }
    }

    @Test func wrongTypesAndMissingColumnsNameTheTableRowAndColumn() async throws {
        struct TextAmount: Codable, Sendable {
            var id: Int
            var amount: String
        }
        struct WithDiscount: Codable, Sendable {
            var id: Int
            var discount: Double
        }
        struct NarrowID: Codable, Sendable { var id: Int8 }
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "tables.sqlite").path
            let io = SQLiteTableIOManager(path: path)
            let orders = [Order(id: 1, customer: "Ada", amount: 1.5), Order(id: 300, customer: "Bob", amount: 2)]
            _ = try await io.handleOutput(orders, context: output("orders"))

            let wrongType = await #expect(throws: SQLiteTableError.self) {
                try await io.loadInput([TextAmount].self, context: input("orders"))
            }
            #expect(
                wrongType
                    == .unreadable(
                        "orders", path: path, table: "orders",
                        reason: .invalidValue(row: 1, column: "amount", problem: "expected TEXT, found REAL 1.5")))
            #expect(wrongType?.description.contains("table \"orders\"") == true)
            #expect(wrongType?.description.contains("row 1, column 'amount'") == true)

            let missing = await #expect(throws: SQLiteTableError.self) {
                try await io.loadInput([WithDiscount].self, context: input("orders"))
            }
            #expect(
                missing
                    == .unreadable(
                        "orders", path: path, table: "orders",
                        reason: .missingColumn("discount", row: 1, columns: ["id", "customer", "amount"])))

            let narrow = await #expect(throws: SQLiteTableError.self) {
                try await io.loadInput([NarrowID].self, context: input("orders"))
            }
            #expect(narrow?.description.contains("row 2, column 'id'") == true)

            let notAnArray = await #expect(throws: SQLiteTableError.self) {
                try await io.loadInput(Order.self, context: input("orders"))
            }
            #expect(
                notAnArray == .unreadable("orders", path: path, table: "orders", reason: .notACollection(type: "Order"))
            )
        }
    }

    @Test func nestedValuesAreRejectedByField() async throws {
        struct Address: Codable, Sendable { var city: String }
        struct Customer: Codable, Sendable {
            var id: Int
            var address: Address
        }
        struct Tagged: Codable, Sendable {
            var id: Int
            var tags: [String]
        }
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "tables.sqlite").path
            let io = SQLiteTableIOManager(path: path)
            let nested = await #expect(throws: SQLiteTableError.self) {
                try await io.handleOutput(
                    [Customer(id: 1, address: Address(city: "Vienna"))], context: output("customers"))
            }
            guard case .unwritable(_, _, "customers", .unsupportedValue(1, "address", let problem)) = nested else {
                Issue.record("unexpected error \(String(describing: nested))")
                return
            }
            #expect(problem.contains("only flat records"))

            let array = await #expect(throws: SQLiteTableError.self) {
                try await io.handleOutput([Tagged(id: 1, tags: ["a"])], context: output("tagged"))
            }
            #expect(array?.description.contains("column 'tags'") == true)
            #expect(array?.description.contains("only flat records") == true)

            let single = await #expect(throws: SQLiteTableError.self) {
                try await io.handleOutput(Order(id: 1, customer: "Ada", amount: 1), context: output("single"))
            }
            #expect(
                single == .unwritable("single", path: path, table: "single", reason: .notACollection(type: "Order")))

            let nan = await #expect(throws: SQLiteTableError.self) {
                try await io.handleOutput([Order(id: 1, customer: "Ada", amount: .nan)], context: output("nan"))
            }
            #expect(nan?.description.contains("row 1, column 'amount': NaN") == true)
            let tables = try await DatabaseQueue(path: path).read { db in
                try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            }
            #expect(tables == 0)
        }
    }

    /// One million small rows: the write streams in batches and the read streams from a cursor.
    @Test func roundTripsAMillionRows() async throws {
        struct Reading: Codable, Sendable, Equatable {
            var id: Int
            var sensor: String
            var value: Double
        }
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "tables.sqlite").path)
            let count = 1_000_000
            let readings = (0..<count).map { Reading(id: $0, sensor: "s\($0 % 100)", value: Double($0) / 4) }
            let metadata = try await io.handleOutput(readings, context: output("readings"))
            let loaded = try await io.loadInput([Reading].self, context: input("readings"))
            #expect(metadata["row_count"] == .int(count))
            #expect(loaded.count == count)
            for index in [0, 1, 999, 1000, 1001, 543_210, count - 1] {
                #expect(loaded[index] == readings[index])
            }
        }
    }

    @Test func passesRecordsBetweenAssetsOfARun() async throws {
        struct Total: Codable, Sendable, Equatable {
            var customer: String
            var amount: Double
        }
        try await withTemporaryDirectory { directory in
            let io = SQLiteTableIOManager(path: directory.appending(path: "warehouse.sqlite").path)
            let a = Asset("warehouse/orders") { _ in
                [
                    Order(id: 1, customer: "Ada", amount: 10), Order(id: 2, customer: "Bob", amount: 5),
                    Order(id: 3, customer: "Ada", amount: 2.5),
                ]
            }
            let b = Asset("warehouse/totals", from: a) { _, orders in
                Dictionary(grouping: orders, by: \.customer)
                    .map { Total(customer: $0.key, amount: $0.value.reduce(0) { $0 + $1.amount }) }
                    .sorted { $0.customer < $1.customer }
            }
            let result = try await Definitions(assets: [a, b])
                .materialize("*", storage: InMemoryStorage(), defaultIOManager: io)
            #expect(result.status == .success)
            let totals = try await io.loadInput([Total].self, context: input("warehouse/totals"))
            #expect(totals == [Total(customer: "Ada", amount: 12.5), Total(customer: "Bob", amount: 5)])
        }
    }
}

/// A record that runs `probe`, if any, while it is encoded.
private struct Probe: Codable, Sendable {
    var id: Int
    var probe: (@Sendable () throws -> Void)?

    enum CodingKeys: String, CodingKey { case id }

    init(id: Int, probe: (@Sendable () throws -> Void)? = nil) {
        self.id = id
        self.probe = probe
    }

    init(from decoder: any Decoder) throws {
        id = try decoder.container(keyedBy: CodingKeys.self).decode(Int.self, forKey: .id)
    }

    func encode(to encoder: any Encoder) throws {
        try probe?()
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
    }
}

private struct ProbeFailure: Error {}

private func output(_ key: AssetKey) -> OutputContext {
    OutputContext(assetKey: key, runID: "run-1", stepKey: key.description)
}

private func input(_ key: AssetKey) -> InputContext {
    InputContext(assetKey: key, runID: "run-1")
}
