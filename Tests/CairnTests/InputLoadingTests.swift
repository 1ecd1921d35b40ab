import Foundation
import Synchronization
import Testing

@testable import Cairn

/// An IO manager that serves fixed values and remembers what it was asked, to see what an input
/// loader is told.
private final class FixedValueIOManager: IOManager {
    let contexts = Mutex<[InputContext]>([])

    func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata {
        [:]
    }

    func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
        contexts.withLock { $0.append(context) }
        return try JSONDecoder().decode(type, from: Data("[100, 200]".utf8))
    }
}

@Suite struct InputLoadingTests {
    @Test func anInputCanBeLoadedThroughAnotherIOManager() async throws {
        let storage = InMemoryStorage()
        let memory = MemoryIOManager()
        let fixed = FixedValueIOManager()
        let numbers = Asset("numbers") { context in
            context.addMetadata(["table": "numbers_v2"])
            return [1, 2]
        }
        let viaDefault = Asset("via_default", from: numbers) { _, values in values.reduce(0, +) }
        let viaFixed = Asset("via_fixed", from: numbers.loaded(with: fixed)) { _, values in values.reduce(0, +) }
        let definitions = Definitions(assets: [numbers, viaDefault, viaFixed])
        let result = try await definitions.materialize("*", storage: storage, defaultIOManager: memory)
        #expect(result.succeeded)
        #expect(try await definitions.loadValue(of: viaDefault, defaultIOManager: memory) == 3)
        #expect(try await definitions.loadValue(of: viaFixed, defaultIOManager: memory) == 300)
        let context = try #require(fixed.contexts.withLock { $0.first })
        #expect(context.assetKey == "numbers")
        #expect(context.consumer == "via_fixed")
        #expect(context.upstreamMetadata["table"] == .text("numbers_v2"))
    }

    @Test func upstreamMetadataComesFromStorageForAssetsOutsideTheRun() async throws {
        let storage = InMemoryStorage()
        let memory = MemoryIOManager()
        let fixed = FixedValueIOManager()
        let numbers = Asset("numbers") { context in
            context.addMetadata(["table": "numbers_v3"])
            return [1]
        }
        let reader = Asset("reader", from: numbers.loaded(with: fixed)) { _, values in values.count }
        let definitions = Definitions(assets: [numbers, reader])
        _ = try await definitions.materialize("key:numbers", storage: storage, defaultIOManager: memory)
        _ = try await definitions.materialize("key:reader", storage: storage, defaultIOManager: memory)
        #expect(fixed.contexts.withLock { $0.first?.upstreamMetadata["table"] } == .text("numbers_v3"))
    }
}
