import Foundation
import Testing

@testable import Cairn

@Suite struct DefinitionsTests {
    @Test func typedReferencesBecomeDataDependenciesAndDepsBecomeOrderDependencies() throws {
        let a = Asset("a") { _ in 1 }
        let b = Asset("b") { _ in "x" }
        let c = Asset("warehouse/c", from: a, b, deps: ["d"]) { _, number, text in "\(number)\(text)" }
        let d = Asset("d") { _ in Nothing() }
        let graph = try Definitions(assets: [a, b, c, d]).assetGraph
        #expect(
            c.spec.dependencies == [
                AssetDependency("a", kind: .data), AssetDependency("b", kind: .data),
                AssetDependency("d", kind: .order),
            ])
        #expect(graph.nodes.count == 4)
        let cIndex = try #require(graph.index(of: "warehouse/c"))
        #expect(Set(graph.parents[cIndex].map { graph.nodes[$0].key }) == ["a", "b", "d"])
        #expect(graph.definition(ofNode: cIndex).name == "warehouse__c")
    }

    @Test func nodesAreInTopologicalOrder() throws {
        let a = Asset("a") { _ in 1 }
        let c = Asset("c", deps: ["b"]) { _ in 3 }
        let b = Asset("b", from: a) { _, x in x + 1 }
        let graph = try Definitions(assets: [c, b, a]).assetGraph
        #expect(graph.keys == ["a", "b", "c"])
    }

    @Test func specCarriesEveryAttribute() {
        let asset = Asset(
            "orders", description: "All orders", group: "sales", tags: ["team": "finance"],
            owners: ["team:finance", "ann@example.com"], kinds: ["table", "sql"], codeVersion: "3",
            metadata: ["source": "erp", "rows_expected": 10]
        ) { _ in [1, 2] }
        #expect(asset.key.path == ["orders"])
        #expect(asset.spec.description == "All orders")
        #expect(asset.spec.group == "sales")
        #expect(asset.spec.tags == ["team": "finance"])
        #expect(asset.spec.owners == ["team:finance", "ann@example.com"])
        #expect(asset.spec.kinds == ["table", "sql"])
        #expect(asset.spec.codeVersion == "3")
        #expect(asset.spec.metadata["rows_expected"] == .int(10))
        #expect(Asset("x") { _ in 0 }.spec.group == "default")
    }

    @Test func multiAssetProducesSeveralTypedOutputs() throws {
        let numbers = Asset("numbers") { _ in [1, 2, 3, 4] }
        let evens = AssetOut<[Int]>("evens", group: "parity")
        let odds = AssetOut<[Int]>("odds")
        let split = MultiAsset("split", outs: evens, odds, group: "math", from: numbers) { _, values in
            (values.filter { $0 % 2 == 0 }, values.filter { $0 % 2 == 1 })
        }
        let total = Asset("total", from: evens, odds) { _, e, o in e.count + o.count }
        let graph = try Definitions(assets: [numbers, split, total]).assetGraph
        #expect(split.keys == ["evens", "odds"])
        #expect(graph["evens"]?.spec.group == "parity")
        #expect(graph["odds"]?.spec.group == "math")
        #expect(graph["odds"]?.spec.dependencyKeys == ["numbers"])
        #expect(graph["evens"]?.definitionIndex == graph["odds"]?.definitionIndex)
        #expect(graph["total"]?.spec.dependencyKeys == ["evens", "odds"])
    }

    @Test func assetFactoriesBuildAssetsInALoop() throws {
        let tables = ["orders", "customers", "payments"]
        let raw = tables.map { table in Asset("raw/\(table)", group: "raw") { _ in [table] } }
        let cleaned = raw.map { source in
            Asset(AssetKey(path: ["clean", source.key.name]), group: "clean", from: source) { _, rows in rows.count }
        }
        let graph = try Definitions(assets: [raw, cleaned]).assetGraph
        #expect(graph.nodes.count == 6)
        #expect(graph["clean/payments"]?.spec.dependencyKeys == ["raw/payments"])
    }

    @Test func duplicateKeysAreReportedWithBothLocations() {
        let first = Asset("orders") { _ in 1 }
        let second = Asset("orders") { _ in 2 }
        let error = #expect(throws: DefinitionsError.self) { try Definitions(assets: [first, second]).assetGraph }
        let problem = error?.problems.first
        #expect(error?.problems.count == 1)
        #expect(problem?.location == second.definition.location)
        #expect(
            problem?.message.contains("asset 'orders' is defined twice (first at \(first.definition.location))") == true
        )
        #expect(problem?.location.file == "CairnTests/DefinitionsTests.swift")
    }

    @Test func unknownDependencySuggestsTheNearestKey() {
        let highs = Asset("daily_temperature_highs") { _ in 1 }
        let hottest = Asset("hottest_dates", deps: ["daily_temprature_highs"]) { _ in 2 }
        let error = #expect(throws: DefinitionsError.self) { try Definitions(assets: [highs, hottest]).assetGraph }
        #expect(
            error?.problems.first?.message
                == "asset 'hottest_dates' depends on 'daily_temprature_highs', which is not defined; "
                + "did you mean 'daily_temperature_highs'? (add it to Definitions(assets:), or declare it as a SourceAsset)"
        )
    }

    @Test func cycleIsPrintedAsAPath() {
        let a = Asset("a", deps: ["c"]) { _ in 1 }
        let b = Asset("b", deps: ["a"]) { _ in 1 }
        let c = Asset("c", deps: ["b"]) { _ in 1 }
        let root = Asset("root") { _ in 1 }
        let error = #expect(throws: DefinitionsError.self) { try Definitions(assets: [root, a, b, c]).assetGraph }
        let message = error?.problems.first?.message ?? ""
        #expect(message.hasPrefix("the assets form a cycle: "))
        let path = message.dropFirst("the assets form a cycle: ".count).prefix { $0 != ";" }
        let nodes = path.components(separatedBy: " → ")
        #expect(nodes.count == 4)
        #expect(nodes.first == nodes.last)
        #expect(Set(nodes) == ["a", "b", "c"])
    }

    @Test func selfDependencyIsACycle() {
        let a = Asset("a", deps: ["a"]) { _ in 1 }
        let error = #expect(throws: DefinitionsError.self) { try Definitions(assets: [a]).assetGraph }
        #expect(error?.problems.first?.message.hasPrefix("the assets form a cycle: a → a") == true)
    }

    @Test func invalidKeysAndNamesAreReported() {
        let spaces = Asset("daily highs") { _ in 1 }
        let emptyComponent = Asset("warehouse//orders") { _ in 1 }
        let badGroup = Asset("ok", group: "my group") { _ in 1 }
        let error = #expect(throws: DefinitionsError.self) {
            try Definitions(assets: [spaces, emptyComponent, badGroup]).assetGraph
        }
        let messages = error?.problems.map(\.message) ?? []
        #expect(
            messages.contains {
                $0.contains("'daily highs' is not a valid asset key: component 'daily highs' may only contain")
            })
        #expect(
            messages.contains { $0.contains("'warehouse//orders' is not a valid asset key: component '' is empty") })
        #expect(messages.contains { $0.contains("asset 'ok': group name 'my group' may only contain") })
        #expect(error?.description.hasPrefix("The definitions have") == true)
    }

    @Test func allProblemsAreReportedTogether() {
        let a = Asset("a", deps: ["missing_one"]) { _ in 1 }
        let b = Asset("b", deps: ["missing_two"]) { _ in 1 }
        let error = #expect(throws: DefinitionsError.self) { try Definitions(assets: [a, b]).assetGraph }
        #expect(error?.problems.count == 2)
    }

    @Test func metadataKeepsOrderAndRoundTripsThroughJSON() throws {
        let metadata: Metadata = [
            "rows": 3, "mean": 2.5, "ok": true, "note": "plain", "doc": .markdown("# Title"),
            "file": .path("/tmp/x.json"), "link": .url("https://example.com"),
            "extra": .json(.object(["a": .array([.number(1), .null])])),
            "at": .timestamp(Date(timeIntervalSince1970: 1_700_000_000.25)),
            "schema": .tableSchema(TableSchema(columns: [.init(name: "day", type: "string")])),
        ]
        #expect(
            metadata.map(\.label) == ["rows", "mean", "ok", "note", "doc", "file", "link", "extra", "at", "schema"])
        let decoded = try JSONDecoder().decode(Metadata.self, from: JSONEncoder().encode(metadata))
        #expect(decoded == metadata)
        #expect(metadata["rows"]?.numericValue == 3)
        #expect(
            TableSchema(columns: [.init(name: "day", type: "string")]).markdown
                == "| Name | Type |\n| ---- | ---- |\n| day | string |")
    }

    @Test func assetKeyParsingAndOrdering() throws {
        let key: AssetKey = "warehouse/orders"
        #expect(key.path == ["warehouse", "orders"])
        #expect(key.name == "orders")
        #expect(key.description == "warehouse/orders")
        #expect(AssetKey("a") < AssetKey("a/b"))
        #expect(try JSONDecoder().decode(AssetKey.self, from: JSONEncoder().encode(key)) == key)
        #expect(key.validationProblem == nil)
    }
}
