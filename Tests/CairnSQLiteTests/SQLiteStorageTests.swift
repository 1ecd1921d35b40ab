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
            let more = try await reopened.append([Event(.logs, runID: "run-1", message: "after reopening")])
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
            #expect(applied == ["v1-runs-events", "v2-checks-observations-lineage"])
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
            #expect(applied == ["v1-runs-events", "v2-checks-observations-lineage"])

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

/// Runs `body` with a new empty directory, removed afterwards.
private func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appending(path: "cairn-sqlite-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}
