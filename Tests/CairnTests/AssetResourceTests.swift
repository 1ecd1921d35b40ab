import Foundation
import Testing

@testable import Cairn

/// A connection to a made-up warehouse, set up once per run and closed after it.
struct Warehouse: Resource {
    var host = EnvVar("WAREHOUSE_HOST")
    var password = EnvVar("WAREHOUSE_PASSWORD", secret: true)
    let log: CallCounter

    struct Connection: Sendable {
        let host: String
        let log: CallCounter
        func rows(of table: String) -> [String] {
            log.record("query \(table)")
            return ["\(table)@\(host)"]
        }
    }

    func setUp(_ context: ResourceContext) async throws -> Connection {
        log.record("set up")
        _ = try context.value(of: password)
        return Connection(host: try context.value(of: host), log: log)
    }

    func tearDown(_ instance: Connection) async throws {
        log.record("tear down")
    }
}

@Suite struct AssetResourceTests {
    let log = CallCounter()
    let warehouseKey = ResourceKey<Warehouse>("warehouse")
    let storage = InMemoryStorage()
    let environment = ["WAREHOUSE_HOST": "db.internal", "WAREHOUSE_PASSWORD": "hunter2"]

    func definitions(_ assets: [any AssetsDefinitionConvertible]) -> Definitions {
        Definitions(assets: assets, resources: [warehouseKey.bind(Warehouse(log: log))])
    }

    @Test func assetsGetTheirDeclaredResourcesSetUpOncePerRun() async throws {
        let key = warehouseKey
        let orders = Asset("orders", resources: [key]) { context in try context.resource(key).rows(of: "orders") }
        let customers = Asset("customers", resources: [key]) { context in
            let connection = try context.resource(key)
            context.log.info("using \(connection)")
            return try context.resource(key).rows(of: "customers")
        }
        let result = try await definitions([orders, customers]).materialize(
            "*", storage: storage, defaultIOManager: MemoryIOManager(), environment: environment)
        #expect(result.succeeded)
        #expect(log.count("set up") == 1)
        #expect(log.count("tear down") == 1)
        #expect(log.count("query orders") == 1)
        let events = try await storage.events(ofRun: result.runID, after: nil, limit: 100)
        let text = try String(decoding: JSONEncoder().encode(events), as: UTF8.self)
        #expect(text.contains("db.internal"))
        #expect(!text.contains("hunter2"))
    }

    @Test func anUndeclaredResourceIsAStepFailureThatSaysSo() async throws {
        let key = warehouseKey
        let sneaky = Asset("sneaky") { context in try context.resource(key).rows(of: "x") }
        let result = try await definitions([sneaky]).materialize(
            "*", storage: storage, defaultIOManager: MemoryIOManager(), environment: environment)
        #expect(!result.succeeded)
        let failure = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
            .first { $0.type == .stepFailure }
        #expect(failure?.error?.message.contains("'warehouse'") == true)
        #expect(log.count("set up") == 0)
    }

    @Test func aResourceTheDefinitionsLackIsADefinitionsError() {
        let other = ResourceKey<Warehouse>("warehous")
        let asset = Asset("orders", resources: [other]) { _ in 1 }
        let error = #expect(throws: DefinitionsError.self) { try definitions([asset]).assetGraph }
        #expect(error?.problems.first?.message.contains("'warehous'") == true)
    }

    @Test func aMissingVariableIsAnErrorBeforeTheRunExists() async throws {
        let key = warehouseKey
        let orders = Asset("orders", resources: [key]) { context in try context.resource(key).rows(of: "orders") }
        await #expect(throws: ResourceError.self) {
            try await definitions([orders]).materialize(
                "*", storage: storage, defaultIOManager: MemoryIOManager(), environment: ["WAREHOUSE_HOST": "x"])
        }
        #expect(try await storage.runs(matching: RunFilter(), limit: 10, after: nil).isEmpty)
        #expect(log.count("set up") == 0)
    }

    @Test func checksUseResourcesToo() async throws {
        let key = warehouseKey
        let orders = Asset("orders") { _ in ["a"] }
        let matches = AssetCheck("matches_warehouse", on: orders, resources: [key]) { context, rows in
            CheckResult(passed: try context.resource(key).rows(of: "orders").count == rows.count)
        }
        let result = try await Definitions(
            assets: [orders], checks: [matches], resources: [key.bind(Warehouse(log: log))]
        ).materialize("*", storage: storage, defaultIOManager: MemoryIOManager(), environment: environment)
        #expect(result.succeeded)
        #expect(log.count("query orders") == 1)
    }
}
