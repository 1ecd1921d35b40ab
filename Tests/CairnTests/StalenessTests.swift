import Cairn
import Foundation
import Synchronization
import Testing

/// A value shared with asset functions, changed by a test between runs.
private final class Shared<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    init(_ value: Value) { storage = Mutex(value) }

    var value: Value {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}

@Suite struct StalenessTests {
    let storage = InMemoryStorage()
    let memory = MemoryIOManager()

    /// `a → b → c`, with `a` returning `input`.
    private func chain(_ input: Shared<Int>, codeVersionOfA: String? = nil) -> Definitions {
        let a = Asset("a", codeVersion: codeVersionOfA) { _ in input.value }
        let b = Asset("b", from: a) { _, value in value * 10 }
        let c = Asset("c", from: b) { _, value in value + 1 }
        return Definitions(assets: [a, b, c])
    }

    private func run(_ definitions: Definitions, _ selection: String = "*") async throws {
        let result = try await definitions.materialize(selection, storage: storage, defaultIOManager: memory)
        #expect(result.succeeded)
    }

    @Test func assetsAreMissingBeforeTheirFirstRunAndFreshAfterIt() async throws {
        let source = SourceAsset<[Int]>("raw")
        let a = Asset("a", deps: ["raw"]) { _ in 1 }
        let b = Asset("b", from: a) { _, value in value + 1 }
        let definitions = Definitions(assets: [source, a, b])

        #expect(try await definitions.statuses(storage: storage) == ["raw": .source, "a": .missing, "b": .missing])
        try await run(definitions)
        #expect(try await definitions.statuses(storage: storage) == ["raw": .source, "a": .fresh, "b": .fresh])
        #expect(try await definitions.statuses(of: ["b"], storage: storage) == ["b": .fresh])
    }

    @Test func newerUpstreamDataMakesEverythingDownstreamStale() async throws {
        let input = Shared(1)
        let definitions = chain(input)
        try await run(definitions)

        input.value = 2
        try await run(definitions, "key:a")
        let statuses = try await definitions.statuses(storage: storage)
        #expect(statuses["a"] == .fresh)
        #expect(statuses["b"] == .stale([.newerUpstreamData("a")]))
        #expect(statuses["c"] == .stale([.upstreamStale("b")]))
        #expect(statuses["b"]?.reasons.map(\.description) == ["upstream 'a' has a newer data version"])
        #expect(statuses["c"]?.reasons.map(\.description) == ["upstream 'b' is stale"])

        try await run(definitions, "key:b")
        #expect(
            try await definitions.statuses(of: ["b", "c"], storage: storage) == [
                "b": .fresh, "c": .stale([.newerUpstreamData("b")]),
            ])
        try await run(definitions, "key:c")
        #expect(try await definitions.statuses(storage: storage) == ["a": .fresh, "b": .fresh, "c": .fresh])
    }

    @Test func materializingTheSameValueAgainKeepsDownstreamFresh() async throws {
        let input = Shared(7)
        let definitions = chain(input)
        try await run(definitions)
        try await run(definitions, "key:a")
        try await run(definitions, "key:a")
        #expect(try await definitions.statuses(storage: storage) == ["a": .fresh, "b": .fresh, "c": .fresh])
    }

    @Test func aChangedCodeVersionMakesTheAssetAndItsDownstreamStale() async throws {
        let input = Shared(1)
        try await run(chain(input, codeVersionOfA: "1"))
        #expect(try await chain(input, codeVersionOfA: "1").statuses(storage: storage)["a"] == .fresh)

        let changed = try await chain(input, codeVersionOfA: "2").statuses(storage: storage)
        #expect(changed["a"] == .stale([.codeVersionChanged(from: "1", to: "2")]))
        #expect(changed["a"]?.reasons.map(\.description) == ["code version changed from 1 to 2"])
        #expect(changed["b"] == .stale([.upstreamStale("a")]))
        #expect(changed["c"] == .stale([.upstreamStale("b")]))

        // Without a code version Cairn cannot tell whether the code changed: not stale.
        #expect(try await chain(input).statuses(storage: storage)["a"] == .fresh)

        // Re-materializing with the new version records it; the value is the same, so downstream is fresh.
        try await run(chain(input, codeVersionOfA: "2"), "key:a")
        #expect(
            try await chain(input, codeVersionOfA: "2").statuses(storage: storage) == [
                "a": .fresh, "b": .fresh, "c": .fresh,
            ])
    }

    @Test func aCodeVersionGivenLaterCountsAsAChange() async throws {
        let input = Shared(1)
        try await run(chain(input))
        let statuses = try await chain(input, codeVersionOfA: "1").statuses(storage: storage)
        #expect(statuses["a"] == .stale([.codeVersionChanged(from: nil, to: "1")]))
        #expect(statuses["a"]?.reasons.first?.description == "code version changed from none to 1")
    }

    @Test func addedAndRemovedDependenciesMakeAnAssetStale() async throws {
        let a = Asset("a") { _ in 1 }
        let x = Asset("x") { _ in 2 }
        let b = Asset("b", from: a) { _, value in value }
        try await run(Definitions(assets: [a, x, b]))

        let withX = Asset("b", from: a, deps: ["x"]) { _, value in value }
        let added = try await Definitions(assets: [a, x, withX]).statuses(of: ["b"], storage: storage)
        #expect(added == ["b": .stale([.dependencyAdded("x")])])
        #expect(added["b"]?.reasons.first?.description == "new dependency 'x'")

        let withoutA = Asset("b") { _ in 1 }
        let removed = try await Definitions(assets: [a, x, withoutA]).statuses(of: ["b"], storage: storage)
        #expect(removed == ["b": .stale([.dependencyRemoved("a")])])
        #expect(removed["b"]?.reasons.first?.description == "dependency 'a' was removed")

        let y = Asset("y") { _ in 3 }
        let onY = Asset("b", from: a, deps: ["y"]) { _, value in value }
        let missing = try await Definitions(assets: [a, x, y, onY]).statuses(of: ["b"], storage: storage)
        #expect(missing == ["b": .stale([.upstreamMissing("y")])])
        #expect(missing["b"]?.reasons.first?.description == "upstream 'y' is missing")

        let both = Asset("b", deps: ["x"]) { _ in 1 }
        let swapped = try await Definitions(assets: [a, x, both]).statuses(of: ["b"], storage: storage)
        #expect(swapped == ["b": .stale([.dependencyAdded("x"), .dependencyRemoved("a")])])
    }

    @Test func anObservedSourceWithANewVersionMakesDownstreamStale() async throws {
        let version = Shared("v1")
        let raw = SourceAsset<Int>("raw") { _ in ObservationResult(dataVersion: version.value, metadata: ["rows": 3]) }
        let b = Asset("b", deps: ["raw"]) { _ in 1 }
        let c = Asset("c", from: b) { _, value in value }
        let definitions = Definitions(assets: [raw, b, c])

        // Materialized before the source was ever observed: its first observation is newer data.
        try await run(definitions)
        #expect(try await definitions.statuses(storage: storage)["b"] == .fresh)
        let first = try await definitions.materialize(
            "*", storage: storage, defaultIOManager: memory, scope: .observations)
        #expect(first.succeeded)
        let events = try await storage.events(ofRun: first.runID, after: nil, limit: 100).map(\.event)
        let observation = try #require(events.first { $0.type == .assetObservation })
        #expect(observation.assetKey == "raw")
        #expect(observation.dataVersion == "v1")
        #expect(observation.metadata["rows"] == .int(3))
        #expect(!events.contains { $0.type == .assetMaterialization })
        #expect(try await definitions.statuses(storage: storage)["b"] == .stale([.newerUpstreamData("raw")]))

        try await run(definitions)
        #expect(try await definitions.statuses(storage: storage) == ["raw": .source, "b": .fresh, "c": .fresh])

        // The same version observed again changes nothing.
        _ = try await definitions.materialize(
            "key:raw", storage: storage, defaultIOManager: memory, scope: .observations)
        #expect(try await definitions.statuses(storage: storage) == ["raw": .source, "b": .fresh, "c": .fresh])

        version.value = "v2"
        _ = try await definitions.materialize(
            "key:raw", storage: storage, defaultIOManager: memory, scope: .observations)
        let statuses = try await definitions.statuses(storage: storage)
        #expect(statuses["raw"] == .source)
        #expect(statuses["b"] == .stale([.newerUpstreamData("raw")]))
        #expect(statuses["c"] == .stale([.upstreamStale("b")]))
    }

    @Test func observingWithoutObservableSourcesIsAPlanError() async throws {
        let raw = SourceAsset<Int>("raw")
        let b = Asset("b", deps: ["raw"]) { _ in 1 }
        await #expect(throws: PlanError.nothingToObserve) {
            try await Definitions(assets: [raw, b]).materialize(
                "*", storage: storage, defaultIOManager: memory, scope: .observations)
        }
    }

    @Test func staleOrMissingKeysNarrowsASelection() async throws {
        let input = Shared(1)
        let a = Asset("a") { _ in input.value }
        let b = Asset("b", from: a) { _, value in value * 10 }
        let c = Asset("c", from: b) { _, value in value + 1 }
        let d = Asset("d") { _ in 4 }
        try await run(Definitions(assets: [a, b, c, d]))
        input.value = 2
        try await run(Definitions(assets: [a, b, c, d]), "key:a")

        let e = Asset("e", from: d) { _, value in value }
        let definitions = Definitions(assets: [a, b, c, d, e])
        #expect(
            try await definitions.staleOrMissingKeys(among: ["e", "d", "c", "b", "a"], storage: storage) == [
                "e", "c", "b",
            ])
        #expect(try await definitions.staleOrMissingKeys(among: ["a", "d"], storage: storage) == [])

        let graph = try definitions.assetGraph
        let all = Set(graph.nodes.indices)
        let chosen = try await graph.staleOrMissing(in: all, storage: storage)
        #expect(Set(chosen.map { graph.nodes[$0].key }) == ["b", "c", "e"])

        await #expect(throws: SelectionError.self) {
            try await definitions.staleOrMissingKeys(among: ["nope"], storage: storage)
        }
    }

    @Test func materializationsWithoutProvenanceAreJudgedByCodeVersionAndUpstreamOnly() throws {
        let a = Asset("a") { _ in 1 }
        let b = Asset("b", codeVersion: "1", from: a) { _, value in value }
        let c = Asset("c", from: a) { _, value in value }
        let graph = try Definitions(assets: [a, b, c]).assetGraph
        let old = { (id: Int64, key: AssetKey, version: String) in
            EventRecord(
                id: id, event: Event(.assetMaterialization, runID: "old", assetKey: key, dataVersion: version))
        }
        let statuses = graph.statuses(
            materializations: ["a": old(3, "a", "2"), "b": old(1, "b", "1"), "c": old(2, "c", "1")], observations: [:])
        #expect(statuses == ["a": .fresh, "b": .stale([.codeVersionChanged(from: nil, to: "1")]), "c": .fresh])
    }

    @Test func tenThousandAssetsResolveInOnePass() throws {
        // Ten layers of 1,000 assets, each depending on two assets of the layer above.
        let width = 1000
        var assets: [Asset<Int>] = []
        for layer in 0..<10 {
            for column in 0..<width {
                let deps: [AssetKey] =
                    layer == 0 ? [] : ["n\(layer - 1)_\(column)", "n\(layer - 1)_\((column + 1) % width)"]
                assets.append(Asset("n\(layer)_\(column)", deps: deps) { _ in 0 })
            }
        }
        let graph = try Definitions(assets: assets).assetGraph
        var materializations: [AssetKey: EventRecord] = [:]
        for (index, node) in graph.nodes.enumerated() {
            let inputs = Dictionary(uniqueKeysWithValues: node.spec.dependencyKeys.map { ($0.description, "v") })
            materializations[node.key] = EventRecord(
                id: Int64(index + 1),
                event: Event(
                    .assetMaterialization, runID: "r", assetKey: node.key, dataVersion: "v",
                    provenance: DataProvenance(codeVersion: nil, inputDataVersions: inputs)))
        }
        #expect(
            graph.statuses(materializations: materializations, observations: [:]).values.allSatisfy { $0 == .fresh })

        materializations["n0_0"] = EventRecord(
            id: 100_000, event: Event(.assetMaterialization, runID: "r2", assetKey: "n0_0", dataVersion: "v2"))
        let statuses = graph.statuses(materializations: materializations, observations: [:])
        #expect(statuses.count == 10 * width)
        #expect(statuses["n0_0"] == .fresh)
        #expect(statuses["n1_0"] == .stale([.newerUpstreamData("n0_0")]))
        #expect(statuses["n1_\(width - 1)"] == .stale([.newerUpstreamData("n0_0")]))
        #expect(statuses["n2_0"] == .stale([.upstreamStale("n1_0")]))
        #expect(statuses["n2_1"] == .fresh)
        // Staleness spreads one column to the left per layer: 2 + 3 + ... + 10 stale assets below n0_0.
        #expect(statuses.values.filter { $0 != .fresh }.count == 54)

        let subset = graph.statuses(
            of: [graph.index(of: "n9_0")!], materializations: materializations, observations: [:])
        #expect(subset == ["n9_0": .stale([.upstreamStale("n8_0")])])
    }
}
