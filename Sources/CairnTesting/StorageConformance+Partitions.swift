import Cairn
import Foundation

// MARK: - Partitions

extension StorageConformance {
    static func partitionRoundTrip(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let partitions: [PartitionKey?] = [
            "2024-01-05", nil, "2024-01-05|eu", "ünïcödé \"quoted\" / slashed", "2024-01-05T13:00", "",
        ]
        let events = partitions.enumerated().map { index, partition in
            Event(
                index.isMultiple(of: 2) ? .assetMaterialization : .assetMaterializationPlanned, runID: "run-1",
                timestamp: time(Double(index)), assetKey: "daily", partition: partition)
        }
        let records = try await storage.append(events)
        for (record, event) in zip(records, events) {
            try expectEvent(record.event, event, "event returned by append")
        }
        try expectRecords(try await storage.events(ofRun: "run-1", after: nil, limit: 100), records, "events of run-1")
        try expectRecords(try await storage.events(after: nil, types: nil, limit: 100), records, "events of all runs")
        try expectRecords(
            try await storage.events(
                ofAsset: "daily", types: [.assetMaterialization, .assetMaterializationPlanned], after: nil, limit: 100),
            records, "events of the asset daily")
        let materializations = records.filter { $0.event.type == .assetMaterialization }
        try expectRecords(
            try await storage.materializations(of: "daily", before: nil, limit: 100), materializations.reversed(),
            "materializations of daily")
        try expectRecords(
            Array(try await storage.latestMaterializations(of: ["daily"]).values), [materializations.last!],
            "latest materialization of daily")
    }

    static func eventsOfAsset(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", createdAt: 0))
        try await storage.addRun(makeRun("run-2", createdAt: 1))
        var events: [Event] = []
        for index in 0..<4 {
            let run: RunID = index.isMultiple(of: 2) ? "run-1" : "run-2"
            let at = time(Double(index))
            let partition = PartitionKey("p\(index)")
            events += [
                Event(.stepStart, runID: run, timestamp: at, stepKey: "a", assetKey: "a"),
                Event(.assetMaterializationPlanned, runID: run, timestamp: at, assetKey: "a", partition: partition),
                Event(.assetMaterializationPlanned, runID: run, timestamp: at, assetKey: "a/b", partition: partition),
                Event(.logs, runID: run, timestamp: at, message: "no asset"),
                index == 2
                    ? Event(.assetFailedToMaterialize, runID: run, timestamp: at, assetKey: "a", partition: partition)
                    : Event(.assetMaterialization, runID: run, timestamp: at, assetKey: "a", partition: partition),
                Event(.assetMaterialization, runID: run, timestamp: at, assetKey: "b", partition: partition),
                Event(.assetObservation, runID: run, timestamp: at, assetKey: "a", dataVersion: "\(index)"),
            ]
        }
        let records = try await storage.append(Array(events.prefix(14))) + storage.append(Array(events.dropFirst(14)))
        func expected(_ key: AssetKey, _ types: Set<EventType>) -> [EventRecord] {
            records.filter { $0.event.assetKey == key && types.contains($0.event.type) }
        }
        func actual(_ key: AssetKey, _ types: Set<EventType>, after cursor: Int64? = nil, limit: Int = 100)
            async throws -> [EventRecord]
        {
            try await storage.events(ofAsset: key, types: types, after: cursor, limit: limit)
        }
        let statusTypes: Set<EventType> = [
            .assetMaterializationPlanned, .assetMaterialization, .assetFailedToMaterialize,
        ]
        try expectRecords(
            try await actual("a", [.assetMaterialization]), expected("a", [.assetMaterialization]),
            "materializations of a")
        try expectRecords(try await actual("a", statusTypes), expected("a", statusTypes), "status events of a")
        try expectEqual(
            try await actual("a", statusTypes).count, 8, "number of planned, done and failed materializations of a")
        try expectRecords(
            try await actual("a", Set(EventType.allCases)), records.filter { $0.event.assetKey == "a" },
            "events of a of every type")
        try expectRecords(
            try await actual("a/b", statusTypes), expected("a/b", statusTypes), "status events of a/b, not of a")
        try expectRecords(
            try await actual("b", [.assetMaterialization, .assetObservation]), expected("b", [.assetMaterialization]),
            "materializations and observations of b")
        let ofA = expected("a", statusTypes)
        try expectRecords(
            try await actual("a", statusTypes, limit: 3), Array(ofA.prefix(3)), "first 3 status events of a")
        try expectRecords(
            try await actual("a", statusTypes, after: ofA[2].id, limit: 3), Array(ofA[3..<6]),
            "3 status events of a after its third")
        try expectRecords(
            try await actual("a", statusTypes, after: records[16].id, limit: 100),
            ofA.filter { $0.id > records[16].id }, "status events of a after an event of another asset")
        try expectRecords(try await actual("a", statusTypes, after: records.last!.id), [], "events after the last")
        try expectRecords(try await actual("a", []), [], "events of a of no type")
        try expectRecords(try await actual("a", statusTypes, limit: 0), [], "a page of limit 0")
        try expectRecords(try await actual("c", statusTypes), [], "events of an unknown asset")
        try expectRecords(try await actual("A", statusTypes), [], "events of A (case-sensitive)")
        var paged: [EventRecord] = []
        var cursor: Int64?
        while true {
            let page = try await actual("a", statusTypes, after: cursor, limit: 3)
            guard let last = page.last else { break }
            try expect(page.count <= 3, "a page of limit 3 returned \(page.count) events")
            paged += page
            cursor = last.id
        }
        try expectRecords(paged, ofA, "status events of a read in pages of 3")
    }

    static func latestPartitionMaterialization(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1", createdAt: 0))
        try await storage.addRun(makeRun("run-2", createdAt: 1))
        let first = try await storage.append([
            Event(.assetMaterialization, runID: "run-1", timestamp: time(1), assetKey: "a", partition: "p1"),
            Event(.assetMaterialization, runID: "run-1", timestamp: time(2), assetKey: "a", partition: "p2"),
            Event(.assetMaterialization, runID: "run-1", timestamp: time(3), assetKey: "b", partition: "p1"),
            Event(.assetMaterialization, runID: "run-1", timestamp: time(4), assetKey: "a"),
            Event(.assetMaterializationPlanned, runID: "run-1", timestamp: time(5), assetKey: "a", partition: "p3"),
            Event(.assetObservation, runID: "run-1", timestamp: time(6), assetKey: "a", partition: "p4"),
        ])
        let second = try await storage.append([
            Event(
                .assetMaterialization, runID: "run-2", timestamp: time(7), assetKey: "a", partition: "p1",
                metadata: ["rows": 2]),
            Event(.assetFailedToMaterialize, runID: "run-2", timestamp: time(8), assetKey: "a", partition: "p2"),
        ])
        func latest(_ key: AssetKey, _ partitions: [PartitionKey]) async throws -> [PartitionKey: EventRecord] {
            try await storage.latestMaterializations(of: key, partitions: partitions)
        }
        func expectLatest(
            _ actual: [PartitionKey: EventRecord], _ expected: [PartitionKey: EventRecord], _ what: String
        ) throws {
            try expectEqual(actual.keys.sorted(), expected.keys.sorted(), "partitions with \(what)")
            for (partition, record) in expected {
                try expectRecords(actual[partition].map { [$0] } ?? [], [record], "\(what) of \(partition)")
            }
        }
        try expectLatest(
            try await latest("a", ["p1", "p2", "p3", "p4", "p5", "P1"]), ["p1": second[0], "p2": first[1]],
            "a latest materialization of a")
        try expectLatest(try await latest("b", ["p1", "p2"]), ["p1": first[2]], "a latest materialization of b")
        try expectLatest(try await latest("c", ["p1"]), [:], "a latest materialization of the unknown asset c")
        try expectLatest(try await latest("a", []), [:], "a latest materialization among no partitions")
        try expectLatest(
            try await latest("a", ["p1", "p1"]), ["p1": second[0]], "a latest materialization, asked twice")
        try expectRecords(
            Array(try await storage.latestMaterializations(of: ["a"]).values), [second[0]],
            "latest materialization of a, of any partition")

        try await expectThrows(.unknownRun("ghost"), "appending a batch with an event of run ghost") {
            try await storage.append([
                Event(.assetMaterialization, runID: "run-2", timestamp: time(9), assetKey: "a", partition: "p2"),
                Event(.assetMaterialization, runID: "run-2", timestamp: time(9), assetKey: "a", partition: "p5"),
                Event(.logs, runID: "ghost", timestamp: time(9)),
            ])
        }
        try expectLatest(
            try await latest("a", ["p1", "p2", "p5"]), ["p1": second[0], "p2": first[1]],
            "a latest materialization of a after a failed append")
        let third = try await storage.append([
            Event(.assetMaterialization, runID: "run-1", timestamp: time(10), assetKey: "a", partition: "p2"),
            Event(.assetMaterialization, runID: "run-1", timestamp: time(11), assetKey: "a", partition: "p2"),
        ])
        try expectLatest(
            try await latest("a", ["p1", "p2"]), ["p1": second[0], "p2": third[1]],
            "a latest materialization of a after two of p2 in one batch")
    }

    static func latestOfManyPartitions(_ storage: any InstanceStorage) async throws {
        try await storage.addRun(makeRun("run-1"))
        let keys = (0..<40_000).map { PartitionKey("2024-01-01-\($0)") }
        let materialized = stride(from: 3, to: keys.count, by: 40).map { keys[$0] }
        let records = try await storage.append(
            materialized.flatMap { partition in
                [
                    Event(
                        .assetMaterialization, runID: "run-1", timestamp: time(1), assetKey: "daily",
                        partition: partition),
                    Event(
                        .assetMaterialization, runID: "run-1", timestamp: time(1), assetKey: "other",
                        partition: partition),
                ]
            })
        try expectEqual(materialized.count, 1_000, "number of materialized partitions")
        let latest = try await storage.latestMaterializations(of: "daily", partitions: keys)
        try expectEqual(latest.count, materialized.count, "number of latest materializations among 40,000 partitions")
        for record in records where record.event.assetKey == "daily" {
            guard let partition = record.event.partition else { continue }
            try expectEqual(latest[partition]?.id, record.id, "id of the latest materialization of \(partition)")
        }
    }

    static func storedPartitionStatus(_ storage: any InstanceStorage) async throws {
        func expectStatus(_ key: AssetKey, _ expected: StoredPartitionStatus?, _ what: String) async throws {
            try expectEqual(try await storage.partitionStatus(of: key), expected, what)
        }
        try await expectStatus("a", nil, "status of a before any was stored")
        let first = StoredPartitionStatus(cursor: 10, data: Data([1, 2, 3]))
        try await storage.storePartitionStatus(first, of: "a")
        try await expectStatus("a", first, "status of a after storing one")
        try await storage.storePartitionStatus(StoredPartitionStatus(cursor: 5, data: Data([9])), of: "a")
        try await expectStatus("a", first, "status of a after storing one with a lower cursor")
        let sameCursor = StoredPartitionStatus(cursor: 10, data: Data([4]))
        try await storage.storePartitionStatus(sameCursor, of: "a")
        try await expectStatus("a", sameCursor, "status of a after storing one with the same cursor")
        let large = StoredPartitionStatus(
            cursor: 1 << 40, data: Data((0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        try await storage.storePartitionStatus(large, of: "a")
        try await expectStatus("a", large, "status of a after storing a large one with a higher cursor")
        try await expectStatus("a/b", nil, "status of a/b")
        let empty = StoredPartitionStatus(cursor: 0, data: Data())
        try await storage.storePartitionStatus(empty, of: "a/b")
        try await expectStatus("a/b", empty, "status of a/b after storing an empty one")
        try await expectStatus("a", large, "status of a after storing one of a/b")
    }

    static func dynamicPartitionsAdded(_ storage: any InstanceStorage) async throws {
        try await expectKeys(storage, "tenants", [], "keys of a set never added to")
        try expectEqual(
            try await storage.addDynamicPartitions(["acme", "globex", "acme", "initech"], to: "tenants"), 3,
            "number of keys added from a list with a repeated key")
        try await expectKeys(storage, "tenants", [("acme", 0), ("globex", 1), ("initech", 2)], "keys after adding 3")
        try expectEqual(
            try await storage.addDynamicPartitions(
                ["initech", "Acme", "a%", "2024-01-05|eu", "ünï \"q\"", "acme"], to: "tenants"),
            4, "number of keys added from a list with 2 held keys")
        try await expectKeys(
            storage, "tenants",
            [
                ("acme", 0), ("globex", 1), ("initech", 2), ("Acme", 3), ("a%", 4), ("2024-01-05|eu", 5),
                ("ünï \"q\"", 6),
            ],
            "keys after adding 4 more")
        try expectEqual(try await storage.addDynamicPartitions([], to: "tenants"), 0, "number of keys added from []")
        try expectEqual(try await storage.addDynamicPartitions([], to: "empty"), 0, "number of keys added to a new set")
        try await expectKeys(storage, "empty", [], "keys of a set given an empty list")
        try expectEqual(
            try await storage.addDynamicPartitions(["globex", "zeta"], to: "regions"), 2, "keys added to another set")
        try await expectKeys(storage, "regions", [("globex", 0), ("zeta", 1)], "keys of another set")
        try await expectKeys(
            storage, "tenants",
            [
                ("acme", 0), ("globex", 1), ("initech", 2), ("Acme", 3), ("a%", 4), ("2024-01-05|eu", 5),
                ("ünï \"q\"", 6),
            ],
            "keys of the first set after adding to another")
        try await expectKeys(storage, "tenant", [], "keys of a set whose name is a prefix of another's")
    }

    static func dynamicPartitionsDeleted(_ storage: any InstanceStorage) async throws {
        try await storage.addDynamicPartitions(["a", "b", "c", "d"], to: "set")
        try await storage.addDynamicPartitions(["b", "c"], to: "other")
        try expectEqual(
            try await storage.deleteDynamicPartitions(["b", "x", "d", "b"], from: "set"), 2,
            "number of keys deleted from a list with an unknown and a repeated key")
        try await expectKeys(storage, "set", [("a", 0), ("c", 2)], "keys after deleting b and d")
        try await expectKeys(
            storage, "other", [("b", 0), ("c", 1)], "keys of another set after deleting from the first")
        try expectEqual(try await storage.deleteDynamicPartitions(["b"], from: "set"), 0, "keys deleted twice")
        try expectEqual(try await storage.deleteDynamicPartitions([], from: "set"), 0, "keys deleted from []")
        try expectEqual(try await storage.deleteDynamicPartitions(["a"], from: "missing"), 0, "keys of an unknown set")
        try expectEqual(
            try await storage.addDynamicPartitions(["e", "d", "a", "d"], to: "set"), 2,
            "number of keys added from a deleted, a held and a new key")
        try await expectKeys(
            storage, "set", [("a", 0), ("c", 2), ("d", 3), ("e", 4)], "keys after adding d again: its old ordinal")
        try expectEqual(try await storage.addDynamicPartitions(["b"], to: "set"), 1, "keys added again")
        try await expectKeys(
            storage, "set", [("a", 0), ("b", 1), ("c", 2), ("d", 3), ("e", 4)], "keys after adding b again")
        try expectEqual(
            try await storage.deleteDynamicPartitions(["a", "b", "c", "d", "e"], from: "set"), 5, "all keys")
        try await expectKeys(storage, "set", [], "keys after deleting all")
        try expectEqual(try await storage.addDynamicPartitions(["f", "c"], to: "set"), 2, "keys added to an empty set")
        try await expectKeys(storage, "set", [("c", 2), ("f", 5)], "keys added after deleting all")
    }

    static func manyDynamicPartitions(_ storage: any InstanceStorage) async throws {
        let keys = (0..<40_000).map { PartitionKey("key-\($0)") }
        try expectEqual(try await storage.addDynamicPartitions(keys, to: "many"), keys.count, "keys added at once")
        let deleted = stride(from: 0, to: keys.count, by: 2).map { keys[$0] }
        try expectEqual(
            try await storage.deleteDynamicPartitions(deleted, from: "many"), deleted.count, "keys deleted at once")
        try expectEqual(
            try await storage.addDynamicPartitions(keys, to: "many"), deleted.count, "keys added again at once")
        let stored = try await storage.dynamicPartitions("many")
        try expectEqual(stored.keys, keys, "keys of the set after adding 40,000 again")
        try expectEqual(stored.ordinals, Array(0..<keys.count), "ordinals of the set after adding 40,000 again")
    }

    private static func expectKeys(
        _ storage: any InstanceStorage, _ name: String, _ expected: [(PartitionKey, Int)], _ what: String
    ) async throws {
        let stored = try await storage.dynamicPartitions(name)
        try expectEqual(stored.name, name, "name of the set in \(what)")
        try expectEqual(stored.keys, expected.map(\.0), what)
        try expectEqual(stored.ordinals, expected.map(\.1), "ordinals of \(what)")
    }
}
