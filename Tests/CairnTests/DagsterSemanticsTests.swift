import Foundation
import Testing

@testable import Cairn

/// Where Cairn follows Dagster's exact semantics, checked against reference vectors that
/// `scripts/generate-semantics-vectors.py` writes from Dagster (Tests/Fixtures/semantics-vectors.json).
@Suite struct DagsterSemanticsTests {
    struct Vectors: Decodable {
        struct TagSelections: Decodable {
            struct Selection: Decodable {
                let selection: String
                let keys: [String]
            }
            let assets: [String: [String: String]]
            let selections: [Selection]
        }
        struct TimeZoneMapping: Decodable {
            let kind: String
            let upstreamTimeZone: String
            let downstreamTimeZone: String
            let explicitMapping: Bool
            let error: String?
        }
        struct CronExtension: Decodable {
            let cron: String
            let timeZone: String
            let valid: Bool
            let ticks: [String]
        }
        struct NonexistentUpstream: Decodable {
            let upstreamStart: String
            let upstreamEnd: String?
            let downstreamStart: String
            let startOffset: Int
            let endOffset: Int
            let downstreamKeys: [String]
            let upstreamKeys: [String]
            let nonexistentKeys: [String]
        }
        let dagsterVersion: String
        let tagSelections: TagSelections
        let timeZoneMappings: [TimeZoneMapping]
        let cronExtensions: [CronExtension]
        let nonexistentUpstream: [NonexistentUpstream]
    }

    static func vectors() throws -> Vectors {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/semantics-vectors.json")
        return try JSONDecoder().decode(Vectors.self, from: Data(contentsOf: url))
    }

    /// `tag:key` selects the assets whose tag `key` has the empty value. Cairn refuses `tag:key=`
    /// (nothing after `=`), which Dagster reads as the empty value: `tag:key` says it.
    @Test func tagSelectionsMatchDagster() throws {
        let vectors = try Self.vectors().tagSelections
        let assets = vectors.assets.sorted { $0.key < $1.key }.map { key, tags in
            Asset<Int>(AssetKey(key), tags: tags) { _ in 1 }
        }
        let graph = try Definitions(assets: [assets]).assetGraph
        #expect(vectors.selections.count == 9)
        for vector in vectors.selections {
            if vector.selection.hasSuffix("=") {
                #expect(throws: SelectionError.self, "\(vector.selection)") {
                    try AssetSelection.parse(vector.selection)
                }
                #expect(try AssetSelection.parse("tag:team").keys(in: graph).map(\.description).sorted() == vector.keys)
                continue
            }
            let selected = try AssetSelection.parse(vector.selection).keys(in: graph).map(\.description).sorted()
            #expect(selected == vector.keys, "\(vector.selection)")
        }
    }

    /// A time-window mapping between assets in different time zones is a definitions error, with
    /// an explicit `.timeWindow()` mapping or the default one, as Dagster refuses to map them.
    @Test func timeWindowMappingsAcrossTimeZonesAreRefusedAsInDagster() throws {
        let vectors = try Self.vectors().timeZoneMappings
        #expect(vectors.count == 20)
        #expect(Set(vectors.map(\.kind)) == ["daily", "hourly"])
        for vector in vectors {
            func partitions(_ zone: String) -> PartitionsDefinition {
                vector.kind == "daily"
                    ? .daily(start: "2024-01-01", timeZone: zone) : .hourly(start: "2024-01-01-00:00", timeZone: zone)
            }
            let upstream = Asset<Int>("upstream", partitions: partitions(vector.upstreamTimeZone)) { _ in 1 }
            let downstream =
                vector.explicitMapping
                ? Asset(
                    "downstream", partitions: partitions(vector.downstreamTimeZone),
                    from: upstream.partitions(.timeWindow())
                ) {
                    _, values in values.count
                }
                : Asset("downstream", partitions: partitions(vector.downstreamTimeZone), from: upstream) { _, value in
                    value
                }
            let what =
                "\(vector.kind) \(vector.upstreamTimeZone) → \(vector.downstreamTimeZone), "
                + (vector.explicitMapping ? "explicit" : "default") + " mapping"
            do {
                _ = try Definitions(assets: [upstream, downstream]).assetGraph
                #expect(vector.error == nil, "Cairn accepted \(what); Dagster says \(vector.error ?? "")")
            } catch {
                #expect(vector.error != nil, "Cairn refused \(what), which Dagster maps: \(error)")
                #expect(
                    error.description.contains(
                        "different time zones (\(vector.upstreamTimeZone) upstream, \(vector.downstreamTimeZone) downstream)"
                    ),
                    "\(error)")
            }
        }
    }

    /// Dagster's cron extensions (`L` in day-of-month, `weekday#n`, `?`) tick as Dagster's do;
    /// what Dagster refuses (`5L`, `W`, `L-2`, `#` in a list, `5#6`) Cairn refuses with a reason.
    @Test func cronExtensionsMatchDagster() throws {
        let vectors = try Self.vectors().cronExtensions
        #expect(vectors.count == 30)
        let start = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01T00:00:00Z
        for vector in vectors {
            let zone = TimeZone(identifier: vector.timeZone)!
            guard vector.valid else {
                #expect(throws: CronError.self, "\(vector.cron)") { try CronSchedule(vector.cron, timeZone: zone) }
                continue
            }
            let schedule = try CronSchedule(vector.cron, timeZone: zone)
            let ticks = Array(schedule.ticks(from: start).prefix(vector.ticks.count))
            let expected = vector.ticks.map { try! Date($0, strategy: .iso8601) }
            #expect(ticks == expected, "\(vector.cron) in \(vector.timeZone)")
        }
    }

    /// Time-window partitions on a cron with `L` or `weekday#n` have a window per tick.
    @Test func partitionsOnCronExtensionsFollowTheirTicks() throws {
        let monthEnds = PartitionsDefinition.timeWindow(cron: "0 0 L * *", start: "2024-01-31", format: "%Y-%m-%d")
        let space = try PartitionSpace(monthEnds, now: Date(timeIntervalSince1970: 1_719_792_000))  // 2024-07-01
        #expect(
            space.keys(in: space.all).map(\.rawValue) == [
                "2024-01-31", "2024-02-29", "2024-03-31", "2024-04-30", "2024-05-31",
            ])
        let secondFridays = PartitionsDefinition.timeWindow(
            cron: "0 0 * * 5#2", start: "2024-01-12", format: "%Y-%m-%d")
        let fridays = try PartitionSpace(secondFridays, now: Date(timeIntervalSince1970: 1_719_792_000))
        #expect(
            fridays.keys(in: fridays.all).map(\.rawValue) == [
                "2024-01-12", "2024-02-09", "2024-03-08", "2024-04-12", "2024-05-10",
            ])
    }

    /// The mapping API says which upstream partitions the downstream ones require that do not
    /// exist, as Dagster's `required_but_nonexistent_subset` does, beside those that exist.
    @Test func nonexistentUpstreamPartitionsMatchDagster() throws {
        let vectors = try Self.vectors().nonexistentUpstream
        #expect(vectors.count == 7)
        let now = Date(timeIntervalSince1970: 1_733_011_200)  // 2024-12-01T00:00:00Z
        for vector in vectors {
            let upstream = Asset<Int>(
                "upstream", partitions: .daily(start: vector.upstreamStart, end: vector.upstreamEnd)
            ) { _ in 1 }
            let downstream = Asset(
                "downstream", partitions: .daily(start: vector.downstreamStart),
                from: upstream.partitions(.timeWindow(startOffset: vector.startOffset, endOffset: vector.endOffset))
            ) { _, values in values.count }
            let graph = try Definitions(assets: [upstream, downstream]).assetGraph
            let (parent, child) = (graph.index(of: "upstream")!, graph.index(of: "downstream")!)
            let parentSpace = try PartitionSpace(graph.nodes[parent].spec.partitions!, now: now)
            let childSpace = try PartitionSpace(graph.nodes[child].spec.partitions!, now: now)
            let subset = try childSpace.subset(of: vector.downstreamKeys.map { PartitionKey($0) }, asset: "downstream")
            let what = "\(vector.downstreamKeys) with offsets \(vector.startOffset), \(vector.endOffset)"
            let existing = try #require(
                graph.upstreamPartitions(
                    of: subset, child: child, childSpace: childSpace, parent: parent, parentSpace: parentSpace))
            #expect(parentSpace.keys(in: existing).map(\.rawValue) == vector.upstreamKeys, "\(what)")
            let missing = graph.nonexistentUpstreamPartitions(
                of: subset, child: child, childSpace: childSpace, parent: parent, parentSpace: parentSpace)
            #expect(missing.keys.map(\.rawValue) == vector.nonexistentKeys, "\(what)")
            #expect(missing.count == vector.nonexistentKeys.count, "\(what)")
        }
    }

    /// Materializing or backfilling partitions whose upstream windows do not exist says so.
    @Test func materializingAndBackfillingSayWhichUpstreamPartitionsDoNotExist() async throws {
        let upstream = Asset<Int>("upstream", partitions: .daily(start: "2024-03-01", end: "2024-04-01")) { _ in 1 }
        let downstream = Asset(
            "downstream", partitions: .daily(start: "2024-01-01", end: "2024-04-01"),
            from: upstream.partitions(.timeWindow())
        ) { _, values in values.count }
        let definitions = Definitions(assets: [upstream, downstream])
        let storage = InMemoryStorage()
        let run = try await definitions.materialize(
            "key:downstream", storage: storage, defaultIOManager: MemoryIOManager(), partition: "2024-01-05")
        let warnings = try await storage.events(ofRun: run.runID, after: nil, limit: 100).filter {
            $0.event.type == .engineEvent && $0.event.level == .warning
        }
        #expect(
            warnings.map(\.event.message) == [
                "'downstream' depends on 1 partition of 'upstream' that does not exist ('2024-01-05'): before its "
                    + "first partition or after its last; they are left out of what 'downstream' loads"
            ])
        let backfill = try await operations(definitions, storage).launchBackfill(
            "key:downstream", partitions: .range(PartitionKeyRange("2024-02-27", "2024-03-02")))
        #expect(backfill.notes.count == 1)
        #expect(backfill.notes.first?.contains("depends on 3 partitions of 'upstream' that do not exist") == true)
        #expect(backfill.notes.first?.contains("'2024-02-27', '2024-02-28', '2024-02-29'") == true)
    }
}
