import Cairn
import Foundation
import Testing

@Suite struct PartitionSpaceTests {
    let now = ISO8601Timestamp.parse("2024-01-10T12:00:00Z")!

    @Test func staticKeysKeepTheirOrderAndUnknownKeysGetASuggestion() throws {
        let space = try PartitionSpace(.static(["eu", "us", "apac"]), now: now)
        #expect(space.count == 3)
        #expect(space.keys(in: space.all) == ["eu", "us", "apac"])
        #expect(space.position(of: "us") == PartitionPosition(index: 1))
        #expect(throws: PartitionsError.unknownKey("apca", asset: nil, suggestion: "apac")) {
            try space.subset(of: ["apca"])
        }
    }

    @Test func invalidStaticKeysAreReported() {
        #expect(PartitionsDefinition.static(["a", "a"]).error != nil)
        #expect(PartitionsDefinition.static(["a|b"]).error?.description.contains("'|'") == true)
        #expect(PartitionsDefinition.multi(["only": .static(["a"])]).error != nil)
    }

    @Test func dailyPartitionsExistUpToNow() throws {
        let space = try PartitionSpace(.daily(start: "2024-01-01"), now: now)
        #expect(space.count == 9)
        #expect(space.lastKey == "2024-01-09")
        let range = try space.subset(of: PartitionKeyRange("2024-01-03", "2024-01-05"))
        #expect(space.keys(in: range) == ["2024-01-03", "2024-01-04", "2024-01-05"])
        #expect(throws: PartitionsError.self) { try space.subset(of: PartitionKeyRange("2024-01-05", "2024-01-03")) }
        #expect(space.position(of: "2024-01-10") == nil, "today's partition has not ended yet")
    }

    @Test func multiPartitionKeysJoinDimensionsByName() throws {
        let definition = PartitionsDefinition.multi([
            "region": .static(["eu", "us"]), "date": .daily(start: "2024-01-01"),
        ])
        let space = try PartitionSpace(definition, now: now)
        #expect(space.count == 18)
        let key = PartitionKey(dimensions: ["region": "us", "date": "2024-01-02"])
        #expect(key == "2024-01-02|us")
        let position = try #require(space.position(of: key))
        #expect(position == PartitionPosition(slice: "us", index: 1))
        #expect(space.key(at: position) == key)
        #expect(space.dimensionKeys(of: key) == ["date": "2024-01-02", "region": "us"])
        #expect(space.position(of: "2024-01-02|mars") == nil)
    }

    @Test func dynamicKeysUseTheirOrdinals() throws {
        let keys = DynamicPartitionKeys(name: "customers", keys: ["acme", "globex"], ordinals: [0, 2])
        let space = try PartitionSpace(.dynamic("customers"), now: now, dynamicKeys: ["customers": keys])
        #expect(space.count == 2)
        #expect(space.position(of: "globex") == PartitionPosition(index: 2))
        #expect(space.keys(in: space.all) == ["acme", "globex"])
    }

    @Test func timeWindowMappingsPickUpstreamWindows() throws {
        let daily = try PartitionSpace(.daily(start: "2024-01-01"), now: now)
        let subset = try daily.subset(of: ["2024-01-05"])
        let graphDaily = PartitionsDefinition.daily(start: "2024-01-01")
        let yesterday = Asset("yesterday", partitions: graphDaily) { _ in 1 }
        let lastWeek = Asset(
            "last_week", partitions: graphDaily, from: yesterday.partitions(.timeWindow(startOffset: -6))
        ) { _, values in values.values.reduce(0, +) }
        let graph = try Definitions(assets: [yesterday, lastWeek]).assetGraph
        let mapped = try #require(
            graph.upstreamPartitions(
                of: subset, child: graph.index(of: "last_week")!, childSpace: daily,
                parent: graph.index(of: "yesterday")!, parentSpace: daily))
        #expect(daily.keys(in: mapped).first == "2024-01-01", "days before the first one are dropped")
        #expect(daily.keys(in: mapped).last == "2024-01-05")
    }

    @Test func mappingsThatDoNotFitAreDefinitionsErrors() throws {
        let daily = Asset("daily", partitions: .daily(start: "2024-01-01")) { _ in 1 }
        let regions = Asset("regions", partitions: .static(["eu"]), from: daily) { _, value in value }
        let wrongDimension = Asset(
            "by_region", partitions: .multi(["region": .static(["eu"]), "date": .daily(start: "2024-01-01")]),
            from: daily.partition(.dimension("dat"))
        ) { _, value in value }
        let badStart = Asset("bad", partitions: .daily(start: "2024-13-01")) { _ in 1 }
        let error = try #require(
            throws: DefinitionsError.self,
            performing: { try Definitions(assets: [daily, regions, wrongDimension, badStart]).assetGraph })
        let messages = error.problems.map(\.message)
        #expect(messages.contains { $0.contains("'regions' depends on 'daily'") && $0.contains("no default mapping") })
        #expect(messages.contains { $0.contains("no dimension 'dat'") && $0.contains("did you mean 'date'") })
        #expect(messages.contains { $0.contains("asset 'bad' has invalid partitions") })
    }
}
