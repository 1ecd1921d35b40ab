import Cairn
import Foundation
import GRDB
import Metrics

/// Storage in one SQLite file: the embedded default, which several processes on one host can share.
///
/// The file is opened in WAL mode with `synchronous = NORMAL`: a committed transaction survives a
/// crash of any process; a power loss or OS crash may roll back the last few commits, but never
/// corrupts the file. Writers wait up to five seconds for each other's locks.
///
/// ```swift
/// let storage = try SQLiteStorage(path: ".cairn/cairn.sqlite")
/// ```
public final class SQLiteStorage: InstanceStorage {
    /// The path of the database file.
    public let path: String
    /// The connections to the file: one writer, several readers.
    let pool: DatabasePool
    /// How long appends take, made once: an append is on every step's path.
    private let appendDuration = Timer(label: MetricName.eventAppendDuration)

    /// Opens the database at `path`, creating it and its directory if needed, and migrates it.
    ///
    /// - Throws: `SQLiteStorageError` when the directory cannot be created, the file is not a
    ///   Cairn database, or a newer version of Cairn wrote it.
    public init(path: String) throws {
        self.path = path
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SQLiteStorageError.cannotCreateDirectory(
                directory: directory.path, reason: Self.reason(creating: directory, error))
        }
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // GRDB enables WAL for a pool; NORMAL syncs at checkpoints, not at every commit.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // Takes effect only in a new file, before WAL mode and the first table (or at a
            // VACUUM): pruned history's pages can then be given back bit by bit (`reclaimFreeSpace`).
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw SQLiteStorageError.cannotOpen(path: path, reason: "\(error)")
        }
        try Migrations.apply(to: pool, path: path)
    }

    // MARK: - Runs

    /// Stores a new run.
    public func addRun(_ run: Run) async throws {
        let row = try EncodedRun(run, encoder: StoredJSON.makeEncoder())
        try await pool.write { db in try self.insert([row], db) }
    }

    /// Appends the run-level `event` if its run's status is one of `statuses`, in one write
    /// transaction, which no other connection or process can interleave with.
    public func transition(_ event: Event, from statuses: Set<RunStatus>) async throws -> EventRecord? {
        let eventBody = try StoredEventBody.json(of: event)
        return try await pool.write { db in
            guard let run = try self.fetchRun(event.runID, db) else { throw StorageError.unknownRun(event.runID) }
            guard statuses.contains(run.status) else { return nil }
            let ids = try self.insert([event], bodies: [eventBody], db)
            return EventRecord(id: ids[0], event: event)
        }
    }

    /// The run with this id, or `nil`.
    public func run(_ id: RunID) async throws -> Run? {
        try await pool.read { db in try self.fetchRun(id, db) }
    }

    /// Runs matching `filter`, newest first, at most `limit`, after the run `cursor`.
    public func runs(matching filter: RunFilter, limit: Int, after cursor: RunID?) async throws -> [Run] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        if let cursor {
            conditions.append("seq < (SELECT seq FROM runs WHERE id = ?)")
            arguments += [cursor.rawValue]
        }
        if let prefix = filter.idPrefix, !prefix.isEmpty {
            conditions.append("substr(id, 1, length(?)) = ?")
            arguments += [prefix, prefix]
        }
        for (key, value) in filter.tags.sorted(by: { $0.key < $1.key }) {
            conditions.append("id IN (SELECT run_id FROM run_tags WHERE key = ? AND value = ?)")
            arguments += [key, value]
        }
        let limit = max(limit, 0)
        let sql: String
        var allArguments = StatementArguments()
        if filter.statuses.isEmpty {
            sql = "SELECT \(Self.runColumns) FROM runs \(Self.whereClause(conditions)) ORDER BY seq DESC LIMIT ?"
            allArguments = arguments + [limit]
        } else {
            // One index range per status, each cut at `limit`: `status IN (...)` would sort every run
            // with one of the statuses before applying the limit.
            let branch = """
                SELECT * FROM (SELECT seq, \(Self.runColumns) FROM runs \(Self.whereClause(["status = ?"] + conditions))
                ORDER BY seq DESC LIMIT ?)
                """
            let branches = Array(repeating: branch, count: filter.statuses.count).joined(separator: " UNION ALL ")
            sql = "SELECT \(Self.runColumns) FROM (\(branches)) ORDER BY seq DESC LIMIT ?"
            for status in filter.statuses {
                allArguments += [status.rawValue]
                allArguments += arguments
                allArguments += [limit]
            }
            allArguments += [limit]
        }
        return try await pool.read { [allArguments] db in
            try Row.fetchAll(db, sql: sql, arguments: allArguments).map { try self.decodeRun($0) }
        }
    }

    /// How many runs there are of each status and job, with the creation time of the oldest of each.
    public func runCounts() async throws -> [RunCount] {
        try await pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT status, job_name, count(*), min(created_at) FROM runs GROUP BY status, job_name"
            ).map { row in
                let status: String = row[0]
                guard let runStatus = RunStatus(rawValue: status) else {
                    throw self.unreadable("a run has status '\(status)', unknown to this version of Cairn")
                }
                return RunCount(
                    status: runStatus, jobName: row[1], count: row[2],
                    oldestCreatedAt: Date(timeIntervalSince1970: row[3]))
            }
        }
    }

    // MARK: - Events

    /// Appends events in one transaction, updating their runs and the indexes of the latest
    /// materialization, observation and check evaluation.
    ///
    /// - Throws: `StorageError.unknownRun`, appending nothing, when an event's run does not exist.
    @discardableResult
    public func append(_ events: [Event]) async throws -> [EventRecord] {
        guard !events.isEmpty else { return [] }
        let bodies = try events.map(StoredEventBody.json(of:))
        let started = ContinuousClock.now
        let ids = try await pool.write { db in try self.insert(events, bodies: bodies, db) }
        appendDuration.record(duration: ContinuousClock.now - started)
        return zip(ids, events).map { EventRecord(id: $0, event: $1) }
    }

    /// The events of one run in order, after the event id `cursor`, at most `limit`.
    public func events(ofRun runID: RunID, after cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await pool.read { db in
            try self.fetchRecords(
                db,
                sql: """
                    SELECT \(Self.eventColumns) FROM event_logs AS e
                    WHERE e.run_id = ? AND e.id > ? ORDER BY e.id LIMIT ?
                    """,
                arguments: [runID.rawValue, cursor ?? 0, max(limit, 0)])
        }
    }

    /// Events of all runs in order, after the event id `cursor`, of the given types, at most `limit`.
    public func events(after cursor: Int64?, types: Set<EventType>?, limit: Int) async throws -> [EventRecord] {
        let cursor = cursor ?? 0
        let limit = max(limit, 0)
        let sql: String
        var arguments = StatementArguments()
        if let types {
            guard !types.isEmpty else { return [] }
            // One index range per type, each cut at `limit`: `type IN (...)` would sort every event
            // of those types after the cursor before applying the limit.
            let branch = """
                SELECT * FROM (SELECT \(Self.eventColumns) FROM event_logs AS e WHERE e.type = ? AND e.id > ?
                ORDER BY e.id LIMIT ?)
                """
            sql = Array(repeating: branch, count: types.count).joined(separator: " UNION ALL ") + " ORDER BY id LIMIT ?"
            for type in types {
                arguments += [type.rawValue, cursor, limit]
            }
            arguments += [limit]
        } else {
            sql = "SELECT \(Self.eventColumns) FROM event_logs AS e WHERE e.id > ? ORDER BY e.id LIMIT ?"
            arguments = [cursor, limit]
        }
        return try await pool.read { [sql, arguments] db in
            try self.fetchRecords(db, sql: sql, arguments: arguments)
        }
    }

    /// The id of the newest event, `nil` while there is none.
    public func lastEventID() async throws -> Int64? {
        try await pool.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT MAX(id) FROM event_logs"))
        }
    }

    /// The latest materialization of each of the given assets that has one.
    ///
    /// The keys travel as one JSON array, so any number of them fits in one query.
    public func latestMaterializations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        try await latest(of: keys, in: "asset_latest_materialization")
    }

    /// Materializations of one asset, newest first, before the event id `cursor`, at most `limit`.
    public func materializations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await pool.read { db in
            try self.fetchRecords(
                db,
                sql: """
                    SELECT \(Self.eventColumns) FROM event_logs AS e
                    WHERE e.asset_key = ? AND e.type = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?
                    """,
                arguments: [
                    key.description, EventType.assetMaterialization.rawValue, cursor ?? Int64.max, max(limit, 0),
                ])
        }
    }

    /// The latest observation of each of the given assets that has one.
    ///
    /// The keys travel as one JSON array, so any number of them fits in one query.
    public func latestObservations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord] {
        try await latest(of: keys, in: "asset_latest_observation")
    }

    /// The latest evaluation of every check of the given assets, by check.
    ///
    /// The keys travel as one JSON array, so any number of them fits in one query.
    public func latestCheckEvaluations(of keys: [AssetKey]) async throws -> [CheckKey: EventRecord] {
        guard !keys.isEmpty else { return [:] }
        let keyList = try json(keys)
        return try await pool.read { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT \(Self.eventColumns), c.asset_key, c.check_name FROM json_each(?) AS k
                        JOIN asset_check_latest AS c ON c.asset_key = k.value
                        JOIN event_logs AS e ON e.id = c.event_id
                        """),
                arguments: [keyList])
            var result: [CheckKey: EventRecord] = [:]
            while let row = try rows.next() {
                let check = CheckKey(
                    assetKey: AssetKey(row[Self.eventColumnCount] as String), name: row[Self.eventColumnCount + 1])
                result[check] = try self.decodeRecord(row)
            }
            return result
        }
    }

    /// Evaluations of one check, newest first, before the event id `cursor`, at most `limit`.
    public func checkEvaluations(of check: CheckKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord] {
        try await pool.read { db in
            try self.fetchRecords(
                db, sql: Self.checkEvaluationsSQL,
                arguments: [check.assetKey.description, check.name, cursor ?? Int64.max, max(limit, 0)])
        }
    }

    /// The newest evaluations of each of the given checks, newest first, at most `limit` of each:
    /// one statement joining a range of the index `event_logs_check` per check (up to 100 checks a
    /// statement, within SQLite's 500 terms of a compound SELECT).
    public func checkEvaluations(of checks: [CheckKey], limit: Int) async throws -> [CheckKey: [EventRecord]] {
        let unique = Array(Set(checks))
        guard !unique.isEmpty, limit > 0 else { return [:] }
        return try await pool.read { db in
            var result: [CheckKey: [EventRecord]] = [:]
            for start in stride(from: 0, to: unique.count, by: 100) {
                let chunk = unique[start..<min(start + 100, unique.count)]
                let sql = chunk.map { _ in "SELECT * FROM (\(Self.checkEvaluationsSQL))" }.joined(
                    separator: " UNION ALL ")
                var arguments = StatementArguments()
                for check in chunk { arguments += [check.assetKey.description, check.name, Int64.max, limit] }
                for record in try self.fetchRecords(db, sql: sql, arguments: arguments) {
                    guard let key = record.event.assetKey, let name = record.event.checkEvaluation?.checkName
                    else { continue }
                    result[CheckKey(assetKey: key, name: name), default: []].append(record)
                }
            }
            return result.mapValues { $0.sorted { $0.id > $1.id } }
        }
    }

    /// The query of `checkEvaluations(of:before:limit:)`: one range of the index `event_logs_check`.
    ///
    /// Only evaluations have a `check_name`, so the query has no condition on `type`, which would
    /// lead SQLite to the index `event_logs_asset` and a scan of every evaluation of the asset.
    static let checkEvaluationsSQL = """
        SELECT \(eventColumns) FROM event_logs AS e
        WHERE e.asset_key = ? AND e.check_name = ? AND e.id < ? ORDER BY e.id DESC LIMIT ?
        """

    /// The records an index table of the latest event per asset holds for `keys`.
    private func latest(of keys: [AssetKey], in table: String) async throws -> [AssetKey: EventRecord] {
        guard !keys.isEmpty else { return [:] }
        // Thousands of keys are read as two halves on two connections at once: decoding the
        // records takes most of the time.
        guard keys.count < Self.parallelReadThreshold else {
            let middle = keys.count / 2
            async let first = readLatest(of: Array(keys[..<middle]), in: table)
            async let second = readLatest(of: Array(keys[middle...]), in: table)
            return try await first.merging(try await second) { _, new in new }
        }
        return try await readLatest(of: keys, in: table)
    }

    /// The latest record of each of `keys` in `table`, in one query.
    private func readLatest(of keys: [AssetKey], in table: String) async throws -> [AssetKey: EventRecord] {
        let keyList = try json(keys)
        let records = try await pool.read { db in
            try self.fetchRecords(
                db,
                sql: """
                    SELECT \(Self.eventColumns) FROM json_each(?) AS k
                    JOIN \(table) AS l ON l.asset_key = k.value
                    JOIN event_logs AS e ON e.id = l.event_id
                    """,
                arguments: [keyList])
        }
        var result: [AssetKey: EventRecord] = [:]
        for record in records {
            if let key = record.event.assetKey { result[key] = record }
        }
        return result
    }

    /// How many keys a read of latest records splits in two.
    private static let parallelReadThreshold = 2000

    // MARK: - Writing

    /// Inserts runs, in order, and their tags, with statements prepared once per connection.
    ///
    /// The tags go in after every run, sorted by run id and key: in the order of the primary key of
    /// `run_tags`, which makes inserting many of them about a fifth faster than run by run.
    ///
    /// - Throws: `StorageError.duplicateRun` when a run with the same id exists or comes twice.
    func insert(_ rows: [EncodedRun], _ db: Database) throws {
        let insertRun = try db.cachedStatement(
            sql: """
                INSERT INTO runs (\(Self.runColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO NOTHING
                """)
        for row in rows {
            let run = row.run
            try insertRun.execute(arguments: [
                run.id.rawValue, run.jobName, run.selection, run.status.rawValue, row.tags, row.assetKeys,
                run.createdAt.timeIntervalSince1970, run.startedAt?.timeIntervalSince1970,
                run.endedAt?.timeIntervalSince1970, row.runConfig, run.parentRunID?.rawValue, run.rootRunID?.rawValue,
            ])
            guard db.changesCount > 0 else { throw StorageError.duplicateRun(run.id) }
        }
        let insertTag = try db.cachedStatement(sql: "INSERT INTO run_tags (run_id, key, value) VALUES (?, ?, ?)")
        for run in rows.lazy.map(\.run).sorted(by: { $0.id.rawValue < $1.id.rawValue }) {
            for (key, value) in run.tags.sorted(by: { $0.key < $1.key }) {
                try insertTag.execute(arguments: [run.id.rawValue, key, value])
            }
        }
    }

    /// Inserts events and applies them to runs and the indexes of latest events, returning their ids.
    func insert(_ events: [Event], bodies: [String?], _ db: Database) throws -> [Int64] {
        let runLevel = Set(events.lazy.filter { $0.type.runStatus != nil }.map(\.runID))
        var runs: [RunID: Run] = [:]
        // Fencing: the status of each run is read in this write transaction, and an event of a run
        // that ended before it, or earlier in the batch, refuses the whole batch.
        var ended: [RunID: RunStatus] = [:]
        var checked: Set<RunID> = []
        let status = try db.cachedStatement(sql: "SELECT status FROM runs WHERE id = ?")
        for event in events {
            if checked.insert(event.runID).inserted {
                let current: RunStatus
                if runLevel.contains(event.runID) {
                    guard let run = try fetchRun(event.runID, db) else { throw StorageError.unknownRun(event.runID) }
                    runs[event.runID] = run
                    current = run.status
                } else {
                    guard let raw = try String.fetchOne(status, arguments: [event.runID.rawValue]) else {
                        throw StorageError.unknownRun(event.runID)
                    }
                    current = RunStatus(rawValue: raw) ?? .notStarted
                }
                if current.isTerminal { ended[event.runID] = current }
            }
            if let endedStatus = ended[event.runID] { throw StorageError.runEnded(event.runID, endedStatus) }
            if let eventStatus = event.type.runStatus, eventStatus.isTerminal { ended[event.runID] = eventStatus }
        }

        let insertEvent = try db.cachedStatement(
            sql: """
                INSERT INTO event_logs
                    (run_id, type, timestamp, step_key, asset_key, level, message, body, check_name, partition_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let indexMaterialization = try db.cachedStatement(
            sql: Self.latestPerAssetUpsert("asset_latest_materialization"))
        let indexPartitionMaterialization = try db.cachedStatement(
            sql: """
                INSERT INTO asset_partition_latest_materialization (asset_key, partition_key, event_id) VALUES (?, ?, ?)
                ON CONFLICT (asset_key, partition_key) DO UPDATE SET event_id = excluded.event_id
                WHERE excluded.event_id > asset_partition_latest_materialization.event_id
                """)
        let indexObservation = try db.cachedStatement(sql: Self.latestPerAssetUpsert("asset_latest_observation"))
        let indexCheckEvaluation = try db.cachedStatement(
            sql: """
                INSERT INTO asset_check_latest (asset_key, check_name, event_id) VALUES (?, ?, ?)
                ON CONFLICT (asset_key, check_name) DO UPDATE SET event_id = excluded.event_id
                WHERE excluded.event_id > asset_check_latest.event_id
                """)
        var ids: [Int64] = []
        ids.reserveCapacity(events.count)
        for (event, body) in zip(events, bodies) {
            let timestamp = event.timestamp.timeIntervalSince1970
            let checkName = event.type == .assetCheckEvaluation ? event.checkEvaluation?.checkName : nil
            try insertEvent.execute(arguments: [
                event.runID.rawValue, event.type.rawValue, timestamp, event.stepKey, event.assetKey?.description,
                event.level.rawValue, event.message, body, checkName, event.partition?.rawValue,
            ])
            let id = db.lastInsertedRowID
            ids.append(id)
            if event.type.runStatus != nil, let run = runs[event.runID] {
                runs[event.runID] = run.applying(event)
            }
            guard let key = event.assetKey?.description else { continue }
            switch event.type {
            case .assetMaterialization:
                try indexMaterialization.execute(arguments: [key, id, event.runID.rawValue, timestamp])
                if let partition = event.partition?.rawValue {
                    try indexPartitionMaterialization.execute(arguments: [key, partition, id])
                }
            case .assetObservation:
                try indexObservation.execute(arguments: [key, id, event.runID.rawValue, timestamp])
            case .assetCheckEvaluation:
                if let checkName { try indexCheckEvaluation.execute(arguments: [key, checkName, id]) }
            default:
                break
            }
        }

        let updateRun = try db.cachedStatement(
            sql: "UPDATE runs SET status = ?, started_at = ?, ended_at = ? WHERE id = ?")
        for run in runs.values {
            try updateRun.execute(arguments: [
                run.status.rawValue, run.startedAt?.timeIntervalSince1970, run.endedAt?.timeIntervalSince1970,
                run.id.rawValue,
            ])
        }
        return ids
    }

    /// The upsert that points an index table at an asset's newest event, never at an older one.
    private static func latestPerAssetUpsert(_ table: String) -> String {
        """
        INSERT INTO \(table) (asset_key, event_id, run_id, timestamp) VALUES (?, ?, ?, ?)
        ON CONFLICT (asset_key) DO UPDATE SET
            event_id = excluded.event_id, run_id = excluded.run_id, timestamp = excluded.timestamp
        WHERE excluded.event_id > \(table).event_id
        """
    }

    /// A value as compact JSON text with sorted keys.
    func json(_ value: some Encodable) throws -> String {
        try StoredJSON.text(value)
    }

    // MARK: - Reading

    /// The columns `decodeRun` reads, in order.
    private static let runColumns = """
        id, job_name, selection, status, tags, asset_keys, created_at, started_at, ended_at, \
        run_config, parent_run_id, root_run_id
        """

    /// The columns `decodeRecord` reads, in order, of `event_logs AS e`.
    static let eventColumns =
        "e.id, e.run_id, e.type, e.timestamp, e.step_key, e.asset_key, e.level, e.message, e.body, e.partition_key"

    /// How many columns `eventColumns` names: a query's further columns start at this index.
    static let eventColumnCount = eventColumns.split(separator: ",").count

    /// `WHERE a AND b`, or nothing when there are no conditions.
    private static func whereClause(_ conditions: [String]) -> String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// The run with this id, read inside an open access.
    func fetchRun(_ id: RunID, _ db: Database) throws -> Run? {
        let statement = try db.cachedStatement(sql: "SELECT \(Self.runColumns) FROM runs WHERE id = ?")
        return try Row.fetchOne(statement, arguments: [id.rawValue]).map(decodeRun)
    }

    /// A run from a row of `runColumns`.
    private func decodeRun(_ row: Row) throws -> Run {
        let id = RunID(row[0] as String)
        let statusName: String = row[3]
        guard let status = RunStatus(rawValue: statusName) else {
            throw unreadable("run \(id) has status '\(statusName)', unknown to this version of Cairn")
        }
        return Run(
            id: id,
            jobName: row[1],
            selection: row[2],
            assetKeys: try decode([AssetKey].self, from: row[5], "the asset keys of run \(id)"),
            tags: try decode([String: String].self, from: row[4], "the tags of run \(id)"),
            status: status,
            createdAt: Date(timeIntervalSince1970: row[6]),
            startedAt: (row[7] as Double?).map(Date.init(timeIntervalSince1970:)),
            endedAt: (row[8] as Double?).map(Date.init(timeIntervalSince1970:)),
            runConfig: try (row[9] as String?).map {
                try decode(JSONValue.self, from: $0, "the run config of run \(id)")
            },
            parentRunID: (row[10] as String?).map { RunID($0) },
            rootRunID: (row[11] as String?).map { RunID($0) })
    }

    /// The event records a query of `eventColumns` returns, in its order.
    func fetchRecords(_ db: Database, sql: String, arguments: StatementArguments) throws -> [EventRecord] {
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        var records: [EventRecord] = []
        while let row = try rows.next() {
            records.append(try decodeRecord(row))
        }
        return records
    }

    /// An event record from a row of `eventColumns`.
    func decodeRecord(_ row: Row) throws -> EventRecord {
        let id: Int64 = row[0]
        let typeName: String = row[2]
        guard let type = EventType(rawValue: typeName) else {
            throw unreadable("event \(id) has type '\(typeName)', unknown to this version of Cairn; upgrade Cairn")
        }
        let levelName: String = row[6]
        guard let level = LogLevel(rawValue: levelName) else {
            throw unreadable("event \(id) has level '\(levelName)', unknown to this version of Cairn; upgrade Cairn")
        }
        let body = try (row[8] as String?).map { try decode(StoredEventBody.self, from: $0, "the body of event \(id)") }
        let event = Event(
            type,
            runID: RunID(row[1] as String),
            timestamp: Date(timeIntervalSince1970: row[3]),
            stepKey: row[4],
            assetKey: (row[5] as String?).map { AssetKey($0) },
            partition: (row[9] as String?).map { PartitionKey($0) },
            level: level,
            message: row[7],
            metadata: body?.metadata ?? [:],
            error: body?.error,
            dataVersion: body?.dataVersion,
            provenance: body?.provenance,
            checkEvaluation: body?.checkEvaluation)
        return EventRecord(id: id, event: event)
    }

    /// Decodes stored JSON text, naming `what` when it cannot.
    func decode<T: Decodable>(_ type: T.Type, from text: String, _ what: String) throws -> T {
        do {
            return try StoredJSON.decoder.decode(type, from: Data(text.utf8))
        } catch {
            throw unreadable("cannot decode \(what): \(error)")
        }
    }

    /// The error for a stored value that cannot be read.
    func unreadable(_ detail: String) -> SQLiteStorageError {
        .unreadable(path: path, detail: detail)
    }

    /// Why `directory` could not be created, in words.
    private static func reason(creating directory: URL, _ error: any Error) -> String {
        var existing = directory
        var isDirectory: ObjCBool = false
        while existing.pathComponents.count > 1 {
            if FileManager.default.fileExists(atPath: existing.path, isDirectory: &isDirectory) {
                if !isDirectory.boolValue { return "'\(existing.path)' is a file, not a directory" }
                break
            }
            existing.deleteLastPathComponent()
        }
        return (error as NSError).localizedDescription
    }
}
