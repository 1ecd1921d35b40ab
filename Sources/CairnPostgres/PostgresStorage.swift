import Cairn
import Foundation
import Logging
import Metrics
import PostgresNIO

/// Storage in a PostgreSQL database, which the web server, daemons and workers of several hosts
/// share: `CAIRN_STORAGE=postgresql://user@host:5432/cairn`.
///
/// It behaves as `SQLiteStorage` does, checked by the same conformance suite. Where SQLite has
/// one writer at a time, PostgreSQL has row locks: each operation that reads then writes locks the
/// rows it decides on (`SELECT … FOR UPDATE`), so claims, transitions, fencing and run keys hold
/// with any number of processes on any number of hosts. Event ids follow commit order (see
/// `append`). Connections come from a pool of at most 16 per process.
///
/// ```swift
/// let storage = try await PostgresStorage.open(PostgresLocation("postgresql://cairn@db:5432/cairn"))
/// ```
public final class PostgresStorage: InstanceStorage {
    /// Where the database is; its description never shows the password.
    public let location: PostgresLocation
    /// The schema Cairn's tables are in, as the server resolved it (`current_schema()`).
    let schema: String
    /// The connection pool.
    let client: PostgresClient
    /// The task that runs the pool until `close()`.
    private let poolTask: Task<Void, Never>
    /// How long appends take, made once: an append is on every step's path.
    private let appendDuration = Timer(label: MetricName.eventAppendDuration)
    /// The logger given to the driver: its errors only, which Cairn reports itself.
    static let logger: Logger = {
        var logger = Logger(label: "cairn.postgres")
        logger.logLevel = .critical
        return logger
    }()

    /// Connects to the database at `location`, creating its schema if needed, and migrates it.
    ///
    /// - Throws: `PostgresStorageError` when the server cannot be reached, refuses the user, or a
    ///   newer Cairn migrated the database.
    public static func open(_ location: PostgresLocation) async throws -> PostgresStorage {
        let schema: String
        do {
            let connection = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration(), id: 0, logger: logger)
            do {
                try await PostgresMigrations.apply(on: connection, location: location, logger: logger)
                schema =
                    try await connection.query("SELECT current_schema()", logger: logger).collect().first?
                    .decode(String.self) ?? "public"
            } catch {
                try? await connection.close()
                throw error
            }
            try? await connection.close()
        } catch let error as PostgresStorageError {
            throw error
        } catch let error as PSQLError where error.serverInfo != nil && !isConnectionRefusal(error) {
            throw PostgresStorageError.query(location.description, reason: PostgresStorageError.reason(error))
        } catch {
            throw PostgresStorageError.cannotConnect(location.description, reason: PostgresStorageError.reason(error))
        }
        return PostgresStorage(location, schema: schema)
    }

    /// Whether the server refused the connection itself: a wrong password or user (SQLSTATE class
    /// 28), a database that does not exist, a server starting or shutting down.
    private static func isConnectionRefusal(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("28") || ["3D000", "57P03", "53300"].contains(state)
    }

    private init(_ location: PostgresLocation, schema: String) {
        self.location = location
        self.schema = schema
        let client = PostgresClient(configuration: location.clientConfiguration, backgroundLogger: Self.logger)
        self.client = client
        poolTask = Task { await client.run() }
    }

    /// Closes every connection; the storage cannot be used afterwards.
    public func close() async {
        poolTask.cancel()
        await poolTask.value
    }

    deinit { poolTask.cancel() }

    // MARK: - Queries

    /// The rows `query` returns, on a connection of the pool.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRow] {
        do {
            return try await client.query(query, logger: Self.logger).collect()
        } catch {
            throw failure(error)
        }
    }

    /// Runs `body` in one transaction on a connection of the pool, committing when it returns and
    /// rolling back when it throws. A deadlock or serialization failure, which PostgreSQL resolves
    /// by failing one of the transactions, is retried up to five times.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: Self.logger)
                    do {
                        let value = try await body(connection)
                        try await connection.query("COMMIT", logger: Self.logger)
                        return value
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: Self.logger)
                        throw error
                    }
                }
            } catch let error as PSQLError where Self.isTransient(error) && attempt < 5 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(5 * attempt))
            } catch {
                throw failure(error)
            }
        }
    }

    /// Whether PostgreSQL failed the transaction only to resolve a conflict with another one.
    private static func isTransient(_ error: PSQLError) -> Bool {
        guard let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40001" || state == "40P01"
    }

    /// `error` as Cairn reports it: storage errors as they are, the driver's in words.
    func failure(_ error: any Error) -> any Error {
        switch error {
        case is StorageError, is PostgresStorageError, is CancellationError, is ConcurrencyPoolError: error
        default: PostgresStorageError.query(location.description, reason: PostgresStorageError.reason(error))
        }
    }

    /// The error for a stored value that cannot be read.
    func unreadable(_ detail: String) -> PostgresStorageError {
        .unreadable(location.description, detail: detail)
    }

    /// Decodes stored JSON text, naming `what` when it cannot.
    func decode<T: Decodable>(_ type: T.Type, from text: String, _ what: String) throws -> T {
        do {
            return try StoredJSON.decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw unreadable("cannot decode \(what): \(error)")
        }
    }

    // MARK: - Runs

    /// Stores a new run.
    public func addRun(_ run: Run) async throws {
        let row = try EncodedRun(run, encoder: StoredJSON.makeEncoder())
        try await transaction { connection in try await self.insert([row], on: connection) }
    }

    /// Appends the run-level `event` if its run's status is one of `statuses`, in one statement
    /// (`cairn_append`) that locks the run's row first: of two processes claiming one queued run,
    /// the second sees it claimed.
    public func transition(_ event: Event, from statuses: Set<RunStatus>) async throws -> EventRecord? {
        let ids = try await appendStatement([event], from: statuses)
        return ids.first.map { EventRecord(id: $0, event: event) }
    }

    /// The run with this id, or `nil`.
    public func run(_ id: RunID) async throws -> Run? {
        try await rows("SELECT \(unescaped: Self.runColumns) FROM runs WHERE id = \(id.rawValue)")
            .first.map(decodeRun)
    }

    /// Runs matching `filter`, newest first, at most `limit`, after the run `cursor`.
    public func runs(matching filter: RunFilter, limit: Int, after cursor: RunID?) async throws -> [Run] {
        var sql = "SELECT \(Self.runColumns) FROM runs WHERE true"
        var binds = PostgresBindings()
        if let cursor {
            binds.append(cursor.rawValue)
            sql += " AND seq < (SELECT seq FROM runs WHERE id = $\(binds.count))"
        }
        if !filter.statuses.isEmpty {
            binds.append(filter.statuses.map(\.rawValue).sorted())
            sql += " AND status = ANY($\(binds.count)::text[])"
        }
        if let prefix = filter.idPrefix, !prefix.isEmpty {
            binds.append(prefix)
            sql += " AND starts_with(id, $\(binds.count))"
        }
        for (key, value) in filter.tags.sorted(by: { $0.key < $1.key }) {
            binds.append(key)
            binds.append(value)
            sql +=
                " AND id IN (SELECT run_id FROM run_tags WHERE key = $\(binds.count - 1) AND value = $\(binds.count))"
        }
        binds.append(max(limit, 0))
        sql += " ORDER BY seq DESC LIMIT $\(binds.count)"
        return try await rows(PostgresQuery(unsafeSQL: sql, binds: binds)).map(decodeRun)
    }

    /// How many runs there are of each status and job, with the creation time of the oldest of each.
    public func runCounts() async throws -> [RunCount] {
        try await rows("SELECT status, job_name, count(*), min(created_at) FROM runs GROUP BY status, job_name")
            .map { row in
                let (status, job, count, oldest) = try row.decode((String, String, Int64, Double).self)
                guard let runStatus = RunStatus(rawValue: status) else {
                    throw self.unreadable("a run has status '\(status)', unknown to this version of Cairn")
                }
                return RunCount(
                    status: runStatus, jobName: job, count: Int(count),
                    oldestCreatedAt: Date(timeIntervalSince1970: oldest))
            }
    }

    // MARK: - Events

    /// Appends events in one statement (`cairn_append`, a function of the schema), updating their
    /// runs and the indexes of the latest materialization, observation and check evaluation.
    ///
    /// The runs' rows are locked first (fencing: their statuses cannot change until the commit),
    /// then an advisory lock of the event log is held from the insert to the commit. Events thus
    /// get their ids in commit order, with no gaps a reader could pass: a reader following the log
    /// by id (the metrics, automation, a run's log in the UI) never skips an event committed late.
    /// Being one statement, the append never leaves a transaction open while its client waits: a
    /// client paused mid-append (SIGSTOP, a frozen VM) holds no lock the others wait for.
    ///
    /// - Throws: `StorageError.unknownRun` or `StorageError.runEnded`, appending nothing.
    @discardableResult
    public func append(_ events: [Event]) async throws -> [EventRecord] {
        guard !events.isEmpty else { return [] }
        let started = ContinuousClock.now
        let ids = try await appendStatement(events, from: nil)
        appendDuration.record(duration: ContinuousClock.now - started)
        return zip(ids, events).map { EventRecord(id: $0, event: $1) }
    }

    /// Calls `cairn_append` with `events`; with `statuses`, only if every run is in one of them.
    ///
    /// - Returns: the events' ids, in order; none when a run was in another status.
    private func appendStatement(_ events: [Event], from statuses: Set<RunStatus>?) async throws -> [Int64] {
        let table = try StoredJSON.text(
            try events.enumerated().map { try EventRow(index: $0.offset, event: $0.element) })
        let from = statuses.map { $0.map(\.rawValue).sorted() }
        do {
            return try await client.query(
                """
                SELECT * FROM cairn_append(\(table)::json, \(from)::text[], \(Self.stages)::json,
                    \(Self.endedStatuses)::text[], \(Self.eventLogLock))
                """, logger: Self.logger
            ).collect().map { try $0.decode(Int64.self) }
        } catch let error as PSQLError {
            let detail = error.serverInfo?[.detail] ?? ""
            switch error.serverInfo?[.sqlState] {
            case "CA001": throw StorageError.unknownRun(RunID(detail))
            case "CA002":
                throw StorageError.runEnded(
                    RunID(detail), RunStatus(rawValue: error.serverInfo?[.hint] ?? "") ?? .failure)
            default: throw failure(error)
            }
        } catch {
            throw failure(error)
        }
    }

    /// The stage of each run status, by name (`RunStatus.stage`): a run only moves to a later one.
    private static let stages =
        "{" + RunStatus.allCases.map { "\"\($0.rawValue)\":\($0.stage)" }.joined(separator: ",") + "}"

    /// The first key of the advisory lock appends hold (the second is the schema's).
    private static let eventLogLock: Int32 = 0x4341_4952  // "CAIR"

    /// The events of one run in order, after the event id `cursor`, at most `limit`.
    public func events(ofRun runID: RunID, after cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM event_logs AS e
            WHERE e.run_id = \(runID.rawValue) AND e.id > \(cursor ?? 0) ORDER BY e.id LIMIT \(max(limit, 0))
            """)
    }

    /// Events of all runs in order, after the event id `cursor`, of the given types, at most `limit`.
    public func events(after cursor: Int64?, types: Set<EventType>?, limit: Int) async throws -> [EventRecord] {
        guard let types else {
            return try await records(
                """
                SELECT \(unescaped: Self.eventColumns) FROM event_logs AS e
                WHERE e.id > \(cursor ?? 0) ORDER BY e.id LIMIT \(max(limit, 0))
                """)
        }
        guard !types.isEmpty else { return [] }
        return try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM event_logs AS e
            WHERE e.type = ANY(\(types.map(\.rawValue).sorted())::text[]) AND e.id > \(cursor ?? 0)
            ORDER BY e.id LIMIT \(max(limit, 0))
            """)
    }

    /// The id of the newest event, `nil` while there is none.
    public func lastEventID() async throws -> Int64? {
        try await rows("SELECT max(id) FROM event_logs").first?.decode(Int64?.self)
    }

    /// The latest materialization of each of the given assets that has one, in one query whatever
    /// the number of keys (they travel as one array).
    public func latestMaterializations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        try await latest(of: keys, in: "asset_latest_materialization")
    }

    /// Materializations of one asset, newest first, before the event id `cursor`, at most `limit`.
    public func materializations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM event_logs AS e
            WHERE e.asset_key = \(key.description) AND e.type = \(EventType.assetMaterialization.rawValue)
            AND e.id < \(cursor ?? Int64.max) ORDER BY e.id DESC LIMIT \(max(limit, 0))
            """)
    }

    /// The latest observation of each of the given assets that has one.
    public func latestObservations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        try await latest(of: keys, in: "asset_latest_observation")
    }

    /// The latest evaluation of every check of the given assets, by check.
    public func latestCheckEvaluations(of keys: [AssetKey]) async throws -> [CheckKey: EventRecord] {
        guard !keys.isEmpty else { return [:] }
        let records = try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM asset_check_latest AS c
            JOIN event_logs AS e ON e.id = c.event_id
            WHERE c.asset_key = ANY(\(keys.map(\.description))::text[])
            """)
        var result: [CheckKey: EventRecord] = [:]
        for record in records {
            guard let key = record.event.assetKey, let name = record.event.checkEvaluation?.checkName else { continue }
            result[CheckKey(assetKey: key, name: name)] = record
        }
        return result
    }

    /// Evaluations of one check, newest first, before the event id `cursor`, at most `limit`.
    public func checkEvaluations(of check: CheckKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM event_logs AS e
            WHERE e.asset_key = \(check.assetKey.description) AND e.check_name = \(check.name)
            AND e.id < \(cursor ?? Int64.max) ORDER BY e.id DESC LIMIT \(max(limit, 0))
            """)
    }

    /// The newest evaluations of each of the given checks, newest first, at most `limit` of each,
    /// in one query: a lateral range of the index `event_logs_check` per check.
    public func checkEvaluations(of checks: [CheckKey], limit: Int) async throws -> [CheckKey: [EventRecord]] {
        let unique = Array(Set(checks))
        guard !unique.isEmpty, limit > 0 else { return [:] }
        let records = try await records(
            """
            SELECT \(unescaped: Self.eventColumns)
            FROM unnest(\(unique.map(\.assetKey.description))::text[], \(unique.map(\.name))::text[]) AS c(a, n)
            CROSS JOIN LATERAL (
                SELECT * FROM event_logs AS x WHERE x.asset_key = c.a AND x.check_name = c.n
                ORDER BY x.id DESC LIMIT \(limit)) AS e
            ORDER BY e.id DESC
            """)
        var result: [CheckKey: [EventRecord]] = [:]
        for record in records {
            guard let key = record.event.assetKey, let name = record.event.checkEvaluation?.checkName else { continue }
            result[CheckKey(assetKey: key, name: name), default: []].append(record)
        }
        return result
    }

    /// The records an index table of the latest event per asset holds for `keys`.
    private func latest(of keys: [AssetKey], in table: String) async throws -> [AssetKey: EventRecord] {
        guard !keys.isEmpty else { return [:] }
        let records = try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM \(unescaped: table) AS l
            JOIN event_logs AS e ON e.id = l.event_id
            WHERE l.asset_key = ANY(\(keys.map(\.description))::text[])
            """)
        var result: [AssetKey: EventRecord] = [:]
        for record in records {
            if let key = record.event.assetKey { result[key] = record }
        }
        return result
    }

    // MARK: - Writing

    /// Inserts runs, in order, and their tags, in the open transaction of `connection`.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run with the same id exists or comes twice.
    func insert(_ rows: [EncodedRun], on connection: PostgresConnection) async throws {
        guard !rows.isEmpty else { return }
        let encoder = StoredJSON.makeEncoder()
        let table = try StoredJSON.text(rows.enumerated().map { RunRow($0.offset, $0.element) }, encoder: encoder)
        let inserted = try await connection.query(
            """
            INSERT INTO runs (\(unescaped: Self.runColumns))
            SELECT r.id, r.job, r.selection, r.status, r.tags, r.assets, r.created, r.started, r.ended, r.config,
                r.parent, r.root
            FROM json_to_recordset(\(table)::json) AS r(
                n int, id text, job text, selection text, status text, tags text, assets text,
                created float8, started float8, ended float8, config text, parent text, root text)
            ORDER BY r.n
            ON CONFLICT (id) DO NOTHING RETURNING id
            """, logger: Self.logger
        ).collect()
        if inserted.count < rows.count {
            let stored = Set(try inserted.map { try $0.decode(String.self) })
            var seen: Set<String> = []
            let duplicate = rows.first {
                !stored.contains($0.run.id.rawValue) || !seen.insert($0.run.id.rawValue).inserted
            }
            throw StorageError.duplicateRun(duplicate?.run.id ?? rows[0].run.id)
        }
        if rows.contains(where: { $0.run.status == .queued }) { try await notifyRunsQueued(on: connection) }
        let tags = rows.flatMap { row in
            row.run.tags.map { [row.run.id.rawValue, $0.key, $0.value] }
        }
        guard !tags.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO run_tags (run_id, key, value)
            SELECT * FROM unnest(\(tags.map { $0[0] })::text[], \(tags.map { $0[1] })::text[], \(tags.map { $0[2] })::text[])
            """, logger: Self.logger)
    }

    /// A run as a row of the JSON table `insert` reads.
    private struct RunRow: Encodable {
        var n: Int
        var id, job, status, tags, assets: String
        var selection: String?
        var created: Double
        var started, ended: Double?
        var config, parent, root: String?

        init(_ index: Int, _ row: EncodedRun) {
            let run = row.run
            n = index
            id = run.id.rawValue
            job = run.jobName
            selection = run.selection
            status = run.status.rawValue
            tags = row.tags
            assets = row.assetKeys
            created = run.createdAt.timeIntervalSince1970
            started = run.startedAt?.timeIntervalSince1970
            ended = run.endedAt?.timeIntervalSince1970
            config = row.runConfig
            parent = run.parentRunID?.rawValue
            root = run.rootRunID?.rawValue
        }
    }

    /// An event as a row of the JSON table `cairn_append` reads; `ns`, the run status it moves its run to.
    private struct EventRow: Encodable {
        var n: Int
        var r, t, l, m: String
        var ts: Double
        var s, a, b, c, p, ns: String?

        init(index: Int, event: Event) throws {
            n = index
            r = event.runID.rawValue
            t = event.type.rawValue
            ts = event.timestamp.timeIntervalSince1970
            s = event.stepKey
            a = event.assetKey?.description
            l = event.level.rawValue
            m = Self.storable(event.message)
            b = try StoredEventBody.json(of: event).map(Self.storable)
            c = event.type == .assetCheckEvaluation ? event.checkEvaluation?.checkName : nil
            p = event.partition?.rawValue
            ns = event.type.runStatus?.rawValue
        }

        /// `text` without NUL characters, which PostgreSQL's text cannot hold (SQLite's can): each
        /// becomes U+FFFD, rather than the whole batch being refused.
        static func storable(_ text: String) -> String {
            text.contains("\u{0}") ? text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}") : text
        }
    }

    // MARK: - Reading

    /// The columns `decodeRun` reads, in order.
    static let runColumns = """
        id, job_name, selection, status, tags, asset_keys, created_at, started_at, ended_at, \
        run_config, parent_run_id, root_run_id
        """

    /// The columns `decodeRecord` reads, in order, of `event_logs AS e`.
    static let eventColumns =
        "e.id, e.run_id, e.type, e.timestamp, e.step_key, e.asset_key, e.level, e.message, e.body, e.partition_key"

    /// A run from a row of `runColumns`.
    func decodeRun(_ row: PostgresRow) throws -> Run {
        let (idText, job, selection, statusName, tags, assetKeys, created, started, ended) = try row.decode(
            (String, String, String?, String, String, String, Double, Double?, Double?).self, context: .default)
        let cells = row.makeRandomAccess()
        let config = try cells[9].decode(String?.self)
        let parent = try cells[10].decode(String?.self)
        let root = try cells[11].decode(String?.self)
        let id = RunID(idText)
        guard let status = RunStatus(rawValue: statusName) else {
            throw unreadable("run \(id) has status '\(statusName)', unknown to this version of Cairn")
        }
        return Run(
            id: id, jobName: job, selection: selection,
            assetKeys: try decode([AssetKey].self, from: assetKeys, "the asset keys of run \(id)"),
            tags: try decode([String: String].self, from: tags, "the tags of run \(id)"),
            status: status, createdAt: Date(timeIntervalSince1970: created),
            startedAt: started.map(Date.init(timeIntervalSince1970:)),
            endedAt: ended.map(Date.init(timeIntervalSince1970:)),
            runConfig: try config.map { try decode(JSONValue.self, from: $0, "the run config of run \(id)") },
            parentRunID: parent.map { RunID($0) }, rootRunID: root.map { RunID($0) })
    }

    /// The event records `query` returns (its first columns `eventColumns`), in its order.
    func records(_ query: PostgresQuery) async throws -> [EventRecord] {
        try await rows(query).map(decodeRecord)
    }

    /// An event record from a row whose first columns are `eventColumns`.
    func decodeRecord(_ row: PostgresRow) throws -> EventRecord {
        let (id, runID, typeName, timestamp, stepKey, assetKey, levelName, message, bodyText, partition) =
            try row.decode(
                (Int64, String, String, Double, String?, String?, String, String, String?, String?).self,
                context: .default)
        guard let type = EventType(rawValue: typeName) else {
            throw unreadable("event \(id) has type '\(typeName)', unknown to this version of Cairn; upgrade Cairn")
        }
        guard let level = LogLevel(rawValue: levelName) else {
            throw unreadable("event \(id) has level '\(levelName)', unknown to this version of Cairn; upgrade Cairn")
        }
        let body = try bodyText.map { try decode(StoredEventBody.self, from: $0, "the body of event \(id)") }
        let event = Event(
            type, runID: RunID(runID), timestamp: Date(timeIntervalSince1970: timestamp), stepKey: stepKey,
            assetKey: assetKey.map { AssetKey($0) }, partition: partition.map { PartitionKey($0) }, level: level,
            message: message, metadata: body?.metadata ?? [:], error: body?.error, dataVersion: body?.dataVersion,
            provenance: body?.provenance, checkEvaluation: body?.checkEvaluation)
        return EventRecord(id: id, event: event)
    }
}

extension PostgresStorage {
    /// Drops the schema the location names, with every table in it: how tests clean up after
    /// themselves. Refused for a location without a schema of its own, whose tables are in the
    /// user's default schema among others.
    public func dropSchema() async throws {
        guard let schema = location.schema else {
            throw PostgresStorageError.invalidLocation(
                location.description, reason: "it names no schema of its own to drop")
        }
        _ = try await rows("DROP SCHEMA IF EXISTS \"\(unescaped: schema)\" CASCADE")
    }
}
