import Cairn
import CairnTesting
import Foundation
import GRDB
import Testing

@testable import CairnSQLite

@Suite struct SQLiteStorageTests {
    @Test(arguments: StorageConformance.checks)
    func conformance(_ check: StorageConformance.Check) async throws {
        try await withTemporaryDirectory { directory in
            try await check.run(on: SQLiteStorage(path: directory.appending(path: "cairn.sqlite").path))
        }
    }

    @Test func dataSurvivesReopening() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "nested/dirs/cairn.sqlite").path
            let run = Run(id: "run-1", assetKeys: ["warehouse/orders"], tags: ["team": "data"])
            let records: [EventRecord]
            do {
                let storage = try SQLiteStorage(path: path)
                try await storage.addRun(run)
                records = try await storage.append([
                    Event(.runStart, runID: "run-1"),
                    Event(.assetMaterialization, runID: "run-1", assetKey: "warehouse/orders", metadata: ["rows": 3]),
                    Event(.runSuccess, runID: "run-1"),
                ])
            }
            let reopened = try SQLiteStorage(path: path)
            #expect(try await reopened.run("run-1")?.status == .success)
            #expect(try await reopened.events(ofRun: "run-1", after: nil, limit: 10).map(\.id) == records.map(\.id))
            let latest = try await reopened.latestMaterializations(of: ["warehouse/orders"])
            #expect(latest["warehouse/orders"]?.event.metadata["rows"] == 3)
            try await reopened.addRun(Run(id: "run-2", assetKeys: []))
            let more = try await reopened.append([Event(.logs, runID: "run-2", message: "after reopening")])
            #expect(more[0].id > records[2].id)
        }
    }

    @Test func twoInstancesShareOneFile() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            let first = try SQLiteStorage(path: path)
            let second = try SQLiteStorage(path: path)
            try await first.addRun(Run(id: "run-1", assetKeys: ["a"]))
            try await second.addRun(Run(id: "run-2", assetKeys: ["b"]))
            #expect(try await second.run("run-1")?.id == "run-1")
            #expect(try await first.runs(matching: RunFilter(), limit: 10, after: nil).map(\.id) == ["run-2", "run-1"])

            let appended = try await withThrowingTaskGroup(of: [Int64].self) { group in
                for task in 0..<10 {
                    let storage = task.isMultiple(of: 2) ? first : second
                    let runID: RunID = task.isMultiple(of: 2) ? "run-1" : "run-2"
                    group.addTask {
                        var ids: [Int64] = []
                        for batch in 0..<20 {
                            let events = (0..<5).map { Event(.logs, runID: runID, message: "\(task)-\(batch)-\($0)") }
                            ids += try await storage.append(events).map(\.id)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(Set(appended).count == 1_000)
            let seenByFirst = try await first.events(after: nil, types: nil, limit: 2_000).map(\.id)
            let seenBySecond = try await second.events(after: nil, types: nil, limit: 2_000).map(\.id)
            #expect(seenByFirst == appended.sorted())
            #expect(seenBySecond == seenByFirst)
        }
    }

    @Test func migrationsAreRecorded() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            _ = try SQLiteStorage(path: path)
            let applied = try DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
            }
            #expect(
                applied == [
                    "v1-runs-events", "v2-checks-observations-lineage", "v3-partitions-backfills", "v4-schedules",
                    "v5-automation", "v6-concurrency-pools", "v7-heartbeats", "v8-retention", "v9-leases",
                ])
        }
    }

    @Test func version1DatabaseIsMigratedWithItsData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            let metadata: Metadata = ["rows": 24, "path": .path("/data/daily.csv"), "ok": true]
            let error = ErrorInfo(type: "Weather.FetchError", message: "HTTP 503", stack: ["fetch()"])
            // What Cairn with only the v1 schema wrote: its runs, events, bodies and index rows.
            do {
                let pool = try DatabasePool(path: path)
                try Migrations.migrator.migrate(pool, upTo: "v1-runs-events")
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                let materializationBody = String(
                    decoding: try encoder.encode(Version1Body(metadata: metadata)), as: UTF8.self)
                let failureBody = String(decoding: try encoder.encode(Version1Body(error: error)), as: UTF8.self)
                try await pool.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO runs (id, job_name, selection, status, tags, asset_keys, created_at, started_at, ended_at)
                            VALUES ('run-old', '__ASSET_JOB', 'group:weather', 'FAILURE', '{"team":"data"}',
                                '["weather/daily","weather/hourly"]', 1750000000.25, 1750000001.5, 1750000004.75);
                            INSERT INTO run_tags (run_id, key, value) VALUES ('run-old', 'team', 'data');
                            INSERT INTO event_logs (run_id, type, timestamp, step_key, asset_key, level, message, body)
                            VALUES
                                ('run-old', 'RUN_START', 1750000001.5, NULL, NULL, 'INFO', '', NULL),
                                ('run-old', 'ASSET_MATERIALIZATION', 1750000002.5, 'weather__daily', 'weather/daily',
                                    'INFO', 'materialized', ?),
                                ('run-old', 'STEP_FAILURE', 1750000003.5, 'weather__hourly', NULL, 'ERROR',
                                    'step failed', ?),
                                ('run-old', 'RUN_FAILURE', 1750000004.75, NULL, NULL, 'ERROR', '', NULL);
                            INSERT INTO asset_latest_materialization (asset_key, event_id, run_id, timestamp)
                            VALUES ('weather/daily', 2, 'run-old', 1750000002.5);
                            """,
                        arguments: [materializationBody, failureBody])
                }
            }

            let storage = try SQLiteStorage(path: path)
            let applied = try await DatabaseQueue(path: path).read { db in
                try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
            }
            #expect(
                applied == [
                    "v1-runs-events", "v2-checks-observations-lineage", "v3-partitions-backfills", "v4-schedules",
                    "v5-automation", "v6-concurrency-pools", "v7-heartbeats", "v8-retention", "v9-leases",
                ])

            let run = try #require(try await storage.run("run-old"))
            #expect(run.jobName == Run.assetJobName)
            #expect(run.selection == "group:weather")
            #expect(run.assetKeys == ["weather/daily", "weather/hourly"])
            #expect(run.tags == ["team": "data"])
            #expect(run.status == .failure)
            #expect(run.createdAt == Date(timeIntervalSince1970: 1_750_000_000.25))
            #expect(run.startedAt == Date(timeIntervalSince1970: 1_750_000_001.5))
            #expect(run.endedAt == Date(timeIntervalSince1970: 1_750_000_004.75))
            #expect(run.runConfig == nil && run.parentRunID == nil && run.rootRunID == nil)
            #expect(try await storage.runs(matching: RunFilter(tags: ["team": "data"]), limit: 10, after: nil) == [run])

            let events = try await storage.events(ofRun: "run-old", after: nil, limit: 10)
            #expect(events.map(\.id) == [1, 2, 3, 4])
            #expect(events.map(\.event.type) == [.runStart, .assetMaterialization, .stepFailure, .runFailure])
            #expect(events[1].event.metadata == metadata)
            #expect(events[1].event.stepKey == "weather__daily")
            #expect(events[2].event.error == error)
            #expect(events[2].event.level == .error)
            #expect(events.allSatisfy { $0.event.dataVersion == nil && $0.event.checkEvaluation == nil })
            #expect(try await storage.latestMaterializations(of: ["weather/daily"])["weather/daily"] == events[1])
            #expect(try await storage.latestObservations(of: ["weather/daily"]).isEmpty)
            #expect(try await storage.latestCheckEvaluations(of: ["weather/daily"]).isEmpty)

            // The migrated database takes the new kinds of data.
            let retry = Run(
                id: "run-new", assetKeys: ["weather/hourly"], createdAt: Date(timeIntervalSince1970: 1_750_000_010.5),
                runConfig: .object(["ops": .object([:])]),
                parentRunID: "run-old", rootRunID: "run-old")
            try await storage.addRun(retry)
            #expect(try await storage.run("run-new") == retry)
            let evaluation = CheckEvaluation(checkName: "fresh", passed: false, severity: .warn, blocking: false)
            let appended = try await storage.append([
                Event(
                    .assetObservation, runID: "run-new", timestamp: Date(timeIntervalSince1970: 1_750_000_011.5),
                    assetKey: "weather/daily", dataVersion: "7"),
                Event(
                    .assetCheckEvaluation, runID: "run-new", timestamp: Date(timeIntervalSince1970: 1_750_000_012.5),
                    assetKey: "weather/daily", checkEvaluation: evaluation),
            ])
            #expect(appended.map(\.id) == [5, 6])
            #expect(try await storage.latestObservations(of: ["weather/daily"])["weather/daily"] == appended[0])
            let check = CheckKey(assetKey: "weather/daily", name: "fresh")
            #expect(try await storage.latestCheckEvaluations(of: ["weather/daily"]) == [check: appended[1]])
            #expect(try await storage.checkEvaluations(of: check, before: nil, limit: 10) == [appended[1]])
        }
    }

    @Test func version2DatabaseIsMigratedWithItsData() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            // What Cairn with the v1 and v2 schemas wrote: events without partitions, and the indexes.
            do {
                let pool = try DatabasePool(path: path)
                try Migrations.migrator.migrate(pool, upTo: "v2-checks-observations-lineage")
                try await pool.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO runs (id, job_name, status, tags, asset_keys, created_at, run_config)
                            VALUES ('run-old', '__ASSET_JOB', 'SUCCESS', '{}', '["daily"]', 1750000000.25, '{}');
                            INSERT INTO event_logs
                                (run_id, type, timestamp, asset_key, level, message, body, check_name)
                            VALUES
                                ('run-old', 'ASSET_MATERIALIZATION', 1750000001.5, 'daily', 'INFO', '',
                                    '{"dataVersion":"1"}', NULL),
                                ('run-old', 'ASSET_CHECK_EVALUATION', 1750000002.5, 'daily', 'INFO', '',
                                    '{"checkEvaluation":{"blocking":false,"checkName":"fresh",'
                                        || '"passed":true,"severity":"WARN"}}',
                                    'fresh'),
                                ('run-old', 'ASSET_OBSERVATION', 1750000003.5, 'daily', 'INFO', '', NULL, NULL);
                            INSERT INTO asset_latest_materialization (asset_key, event_id, run_id, timestamp)
                            VALUES ('daily', 1, 'run-old', 1750000001.5);
                            INSERT INTO asset_check_latest (asset_key, check_name, event_id)
                            VALUES ('daily', 'fresh', 2);
                            INSERT INTO asset_latest_observation (asset_key, event_id, run_id, timestamp)
                            VALUES ('daily', 3, 'run-old', 1750000003.5);
                            """)
                }
            }

            let storage = try SQLiteStorage(path: path)
            let events = try await storage.events(ofRun: "run-old", after: nil, limit: 10)
            #expect(events.map(\.id) == [1, 2, 3])
            #expect(events.map(\.event.type) == [.assetMaterialization, .assetCheckEvaluation, .assetObservation])
            #expect(events.allSatisfy { $0.event.partition == nil && $0.event.assetKey == "daily" })
            #expect(events[0].event.dataVersion == "1")
            #expect(events[1].event.checkEvaluation?.checkName == "fresh")
            #expect(
                try await storage.events(
                    ofAsset: "daily", types: [.assetMaterialization, .assetObservation], after: nil, limit: 10)
                    == [events[0], events[2]])
            #expect(try await storage.latestMaterializations(of: ["daily"]) == ["daily": events[0]])
            #expect(try await storage.latestMaterializations(of: "daily", partitions: ["2024-01-01"]).isEmpty)
            #expect(try await storage.partitionStatus(of: "daily") == nil)
            #expect(try await storage.dynamicPartitions("tenants") == DynamicPartitionKeys(name: "tenants"))
            #expect(try await storage.backfills(limit: 10, after: nil).isEmpty)

            // The migrated database takes partitions, dynamic partitions and backfills.
            try await storage.addRun(Run(id: "run-partitioned", assetKeys: ["daily"]))
            let appended = try await storage.append([
                Event(
                    .assetMaterialization, runID: "run-partitioned",
                    timestamp: Date(timeIntervalSince1970: 1_750_000_004.5),
                    assetKey: "daily", partition: "2024-01-01")
            ])
            #expect(appended.map(\.id) == [4])
            #expect(try await storage.events(ofRun: "run-partitioned", after: nil, limit: 10) == appended)
            #expect(
                try await storage.latestMaterializations(of: "daily", partitions: ["2024-01-01", "2024-01-02"])
                    == ["2024-01-01": appended[0]])
            #expect(try await storage.latestMaterializations(of: ["daily"]) == ["daily": appended[0]])
            #expect(try await storage.addDynamicPartitions(["acme"], to: "tenants") == 1)
            let backfill = Backfill(
                id: "bfmigrat", createdAt: Date(timeIntervalSince1970: 1_750_000_005), selection: "daily",
                assetKeys: ["daily"], partitionSelection: "all", partitionCount: 1, runCount: 1)
            try await storage.addBackfill(
                backfill,
                runs: [Run(id: "run-new", assetKeys: ["daily"], tags: [Backfill.tag: "bfmigrat"], status: .queued)])
            #expect(try await storage.backfill("bfmigrat") == backfill)
            #expect(
                try await storage.runs(matching: RunFilter(tags: [Backfill.tag: "bfmigrat"]), limit: 10, after: nil)
                    .map(\.id) == ["run-new"])
        }
    }

    @Test func eventsOfAssetAreOneIndexRangePerType() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            _ = try SQLiteStorage(path: path)
            let plan = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN \(SQLiteStorage.eventsOfAssetSQL(typeCount: 3))",
                    arguments: ["a", "X", 0, 10, "a", "Y", 0, 10, "a", "Z", 0, 10, 10]
                ).map { $0["detail"] as String }
            }
            let searches = plan.filter { $0.hasPrefix("SEARCH e") }
            #expect(searches.count == 3)
            #expect(
                searches.allSatisfy { $0 == "SEARCH e USING INDEX event_logs_asset (asset_key=? AND type=? AND id>?)" })
            // Each branch reads at most `limit` rows of its range, which the merge sorts.
            #expect(!plan.contains { $0.hasPrefix("SCAN e") }, "\(plan)")
        }
    }

    @Test func latestPartitionMaterializationsAreOneLookupPerKey() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            _ = try SQLiteStorage(path: path)
            let plan = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN \(SQLiteStorage.latestPartitionMaterializationsSQL)",
                    arguments: ["[\"p1\",\"p2\"]", "a"]
                ).map { $0["detail"] as String }
            }
            #expect(plan.count == 3, "\(plan)")
            #expect(plan.first?.hasPrefix("SCAN k VIRTUAL TABLE") == true, "\(plan)")
            #expect(plan.contains("SEARCH l USING PRIMARY KEY (asset_key=? AND partition_key=?)"), "\(plan)")
            #expect(plan.contains("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"), "\(plan)")
        }
    }

    @Test(arguments: [false, true])
    func dynamicPartitionsAreFlaggedByIndexLookups(deleted: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            _ = try SQLiteStorage(path: path)
            let plan = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN \(SQLiteStorage.setDynamicPartitionsDeletedSQL(deleted))",
                    arguments: ["tenants", "[\"a\"]"]
                ).map { $0["detail"] as String }
            }
            #expect(plan.first?.hasPrefix("SEARCH dynamic_partitions USING INDEX") == true, "\(plan)")
            #expect(plan.first?.hasSuffix("(name=? AND key=?)") == true, "\(plan)")
        }
    }

    @Test func transitionsOfTwoInstancesClaimEachRunOnce() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            let instances = [try SQLiteStorage(path: path), try SQLiteStorage(path: path)]
            let runIDs = (0..<10).map { RunID("queued-\($0)") }
            for id in runIDs {
                try await instances[0].addRun(Run(id: id, assetKeys: ["a"], status: .queued))
            }
            let claimed = try await withThrowingTaskGroup(of: [RunID].self) { group in
                for worker in 0..<8 {
                    let storage = instances[worker % 2]
                    group.addTask {
                        var claimed: [RunID] = []
                        for id in runIDs.shuffled() {
                            let event = Event(.runStarting, runID: id, message: "worker \(worker)")
                            if try await storage.transition(event, from: [.queued]) != nil { claimed.append(id) }
                        }
                        return claimed
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claimed.sorted() == runIDs)
            let starting = try await instances[1].runs(
                matching: RunFilter(statuses: [.starting]), limit: 20, after: nil)
            #expect(starting.count == runIDs.count)
            #expect(try await instances[1].events(after: nil, types: [.runStarting], limit: 100).count == runIDs.count)
        }
    }

    @Test func dynamicPartitionsAddedByTwoInstancesGetDistinctOrdinals() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            let instances = [try SQLiteStorage(path: path), try SQLiteStorage(path: path)]
            let added = try await withThrowingTaskGroup(of: Int.self) { group in
                for worker in 0..<8 {
                    let storage = instances[worker % 2]
                    group.addTask {
                        let keys = (0..<50).map { PartitionKey("key-\(($0 * 8 + worker) % 300)") }
                        return try await storage.addDynamicPartitions(keys, to: "tenants")
                    }
                }
                return try await group.reduce(0, +)
            }
            let stored = try await instances[0].dynamicPartitions("tenants")
            #expect(added == 300)
            #expect(stored.keys.count == 300 && Set(stored.keys).count == 300)
            #expect(stored.ordinals == Array(0..<300))
        }
    }

    @Test func checkEvaluationsAreOneIndexRange() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            _ = try SQLiteStorage(path: path)
            let plan = try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(
                    db, sql: "EXPLAIN QUERY PLAN \(SQLiteStorage.checkEvaluationsSQL)",
                    arguments: ["a", "c", 10, 10]
                ).map { $0["detail"] as String }
            }
            #expect(plan == ["SEARCH e USING INDEX event_logs_check (asset_key=? AND check_name=? AND id<?)"])
        }
    }

    @Test func newerDatabaseIsRefused() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appending(path: "cairn.sqlite").path
            _ = try SQLiteStorage(path: path)
            try DatabaseQueue(path: path).write { db in
                try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99-from-the-future')")
            }
            let error = #expect(throws: SQLiteStorageError.newerDatabase(path: path, migration: "v99-from-the-future"))
            {
                try SQLiteStorage(path: path)
            }
            #expect(
                error?.description.contains("newer version of Cairn (migration v99-from-the-future); upgrade Cairn")
                    == true)
        }
    }

    @Test func directoryThatCannotBeCreatedIsReported() async throws {
        try await withTemporaryDirectory { directory in
            let blocker = directory.appending(path: "blocker")
            try Data("not a directory".utf8).write(to: blocker)
            let error = #expect(throws: SQLiteStorageError.self) {
                try SQLiteStorage(path: blocker.appending(path: "sub/cairn.sqlite").path)
            }
            guard case .cannotCreateDirectory(let path, let reason) = error else {
                Issue.record("expected cannotCreateDirectory, got \(String(describing: error))")
                return
            }
            #expect(path == blocker.appending(path: "sub").path)
            #expect(reason == "'\(blocker.path)' is a file, not a directory")
        }
    }

    @Test func fileThatIsNotADatabaseIsReported() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appending(path: "notes.txt")
            try Data(String(repeating: "not a database\n", count: 100).utf8).write(to: file)
            let error = #expect(throws: SQLiteStorageError.self) {
                try SQLiteStorage(path: file.path)
            }
            guard case .cannotOpen(let path, _) = error else {
                Issue.record("expected cannotOpen, got \(String(describing: error))")
                return
            }
            #expect(path == file.path)
        }
    }
}

/// The body of an event as Cairn with only the v1 schema stored it.
private struct Version1Body: Encodable {
    var metadata: Metadata?
    var error: ErrorInfo?
}
