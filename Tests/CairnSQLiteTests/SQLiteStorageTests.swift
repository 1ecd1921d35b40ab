import Cairn
import CairnSQLite
import CairnTesting
import Foundation
import GRDB
import Testing

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
            #expect(applied.contains("v1-runs-events"))
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

/// Runs `body` with a new empty directory, removed afterwards.
private func withTemporaryDirectory(_ body: (URL) async throws -> Void) async throws {
    let directory = FileManager.default.temporaryDirectory.appending(path: "cairn-sqlite-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    try await body(directory)
}
