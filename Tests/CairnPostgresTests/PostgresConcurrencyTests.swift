import Cairn
import Foundation
import PostgresNIO
import Testing

@testable import CairnPostgres

/// What PostgreSQL storage must hold with several processes at once: each storage opened here
/// has a connection pool of its own, as each process on each host has.
@Suite struct PostgresConcurrencyTests {
    @Test func twoStoragesOpeningANewSchemaAtOnceMigrateItOnce() async throws {
        let location = try TestDatabase.location().inSchema("t_" + UUID().uuidString.prefix(8).lowercased())
        async let first = PostgresStorage.open(location)
        async let second = PostgresStorage.open(location)
        let (a, b) = try await (first, second)
        let applied = try await a.rows("SELECT id FROM cairn_migrations ORDER BY id").map { try $0.decode(String.self) }
        #expect(applied == PostgresMigrations.all.map(\.id))
        try await a.addRun(Run(id: "r", assetKeys: []))
        #expect(try await b.run("r") != nil)
        await b.close()
        try await TestDatabase.drop(a)
    }

    @Test func aDatabaseOfANewerCairnIsRefused() async throws {
        try await TestDatabase.withStorage { storage in
            _ = try await storage.rows("INSERT INTO cairn_migrations (id) VALUES ('v99-from-the-future')")
            let error = await #expect(throws: PostgresStorageError.self) {
                _ = try await PostgresStorage.open(storage.location)
            }
            #expect(
                error?.description.contains("migrated by a newer version of Cairn (migration 'v99-from-the-future')")
                    == true)
        }
    }

    @Test func ofManyProcessesClaimingOneQueuedRunExactlyOneWins() async throws {
        try await TestDatabase.withStorage { storage in
            let others = try await (0..<3).asyncMap { _ in try await PostgresStorage.open(storage.location) }
            try await storage.addRun(Run(id: "contended", assetKeys: [], status: .queued))
            let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, process) in ([storage] + others).enumerated() {
                    for attempt in 0..<10 {
                        group.addTask {
                            let claim = Event(.runStarting, runID: "contended", message: "claim \(index)-\(attempt)")
                            return try await process.transition(claim, from: [.queued]) != nil
                        }
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(wins == 1)
            let starting = try await storage.events(ofRun: "contended", after: nil, limit: 100).filter {
                $0.event.type == .runStarting
            }
            #expect(starting.count == 1)
            for other in others { await other.close() }
        }
    }

    /// A reader following the log by id while three processes append must see every event, none
    /// twice: event ids follow commit order (the append's advisory lock).
    @Test func aReaderFollowingTheLogWhileThreeProcessesAppendMissesNothing() async throws {
        try await TestDatabase.withStorage { storage in
            let writers = try await (0..<3).asyncMap { _ in try await PostgresStorage.open(storage.location) }
            for index in writers.indices { try await storage.addRun(Run(id: RunID("run-\(index)"), assetKeys: [])) }
            let batches = 60
            async let appended: [Int64] = withThrowingTaskGroup(of: [Int64].self) { group in
                for (index, writer) in writers.enumerated() {
                    group.addTask {
                        var ids: [Int64] = []
                        for batch in 0..<batches {
                            let events = (0...(batch % 3)).map {
                                Event(.logs, runID: RunID("run-\(index)"), message: "batch \(batch) event \($0)")
                            }
                            ids += try await writer.append(events).map(\.id)
                        }
                        return ids
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            var seen: [Int64] = []
            var cursor: Int64?
            let expectedCount = writers.count * (0..<batches).reduce(0) { $0 + $1 % 3 + 1 }
            let deadline = ContinuousClock.now + .seconds(60)
            while seen.count < expectedCount, ContinuousClock.now < deadline {
                let page = try await storage.events(after: cursor, types: nil, limit: 7)
                seen += page.map(\.id)
                cursor = page.last?.id ?? cursor
            }
            let all = try await appended
            #expect(seen.count == expectedCount)
            #expect(Set(seen) == Set(all))
            #expect(seen == seen.sorted())
            for writer in writers { await writer.close() }
        }
    }

    @Test func aRunQueuedByAnotherProcessIsAnnounced() async throws {
        try await TestDatabase.withStorage { storage in
            let other = try await PostgresStorage.open(storage.location)
            var notifications = storage.queuedRunNotifications(logger: Logger(label: "test")).makeAsyncIterator()
            // The first element comes once the listener listens.
            _ = await notifications.next()
            try await other.addRun(Run(id: "queued-elsewhere", assetKeys: [], status: .queued))
            let announced: Void? = await notifications.next()
            #expect(announced != nil)
            await other.close()
        }
    }

    @Test func aPasswordIsCheckedAndNeverShown() async throws {
        let base = try TestDatabase.location()
        let password = "pw-" + UUID().uuidString
        try await TestDatabase.withStorage { storage in
            _ = try await storage.rows(
                """
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'cairn_password') THEN
                        CREATE ROLE cairn_password LOGIN;
                    END IF;
                END $$
                """)
            _ = try await storage.rows(PostgresQuery(unsafeSQL: "ALTER ROLE cairn_password PASSWORD '\(password)'"))
            _ = try await storage.rows("GRANT ALL ON DATABASE postgres TO cairn_password")
            let host = base.host ?? "127.0.0.1"
            let url = "postgresql://cairn_password@\(host):\(base.port)/\(base.database)?sslmode=disable&schema=t_pw"
            let withPassword = try PostgresLocation(url, environment: ["PGPASSWORD": password])
            _ = try await storage.rows("DROP SCHEMA IF EXISTS t_pw CASCADE")
            _ = try await storage.rows("CREATE SCHEMA t_pw AUTHORIZATION cairn_password")
            let opened = try await PostgresStorage.open(withPassword)
            try await opened.addRun(Run(id: "by-password", assetKeys: []))
            #expect(!opened.location.description.contains(password))
            await opened.close()
            let wrong = try PostgresLocation(url, environment: ["PGPASSWORD": "not-" + password])
            let error = await #expect(throws: PostgresStorageError.self) { _ = try await PostgresStorage.open(wrong) }
            let message = error?.description ?? ""
            #expect(message.contains("password authentication failed"))
            #expect(!message.contains(password))
            _ = try await storage.rows("DROP SCHEMA t_pw CASCADE")
        }
    }
}

extension Sequence {
    /// The results of `transform` on each element, one after the other.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async throws -> [T] {
        var results: [T] = []
        for element in self { results.append(try await transform(element)) }
        return results
    }
}
