import Cairn
import Foundation
import GRDB

extension SQLiteStorage {
    /// Events concerning one asset, oldest first, after the event id `cursor`, of the given types,
    /// at most `limit`: one range of the index `event_logs_asset` per type.
    public func events(ofAsset key: AssetKey, types: Set<EventType>, after cursor: Int64?, limit: Int) async throws
        -> [EventRecord]
    {
        guard !types.isEmpty, limit > 0 else { return [] }
        var arguments = StatementArguments()
        for type in types {
            arguments += [key.description, type.rawValue, cursor ?? 0, limit]
        }
        arguments += [limit]
        let sql = Self.eventsOfAssetSQL(typeCount: types.count)
        return try await pool.read { [arguments] db in
            try self.fetchRecords(db, sql: sql, arguments: arguments)
        }
    }

    /// The query of `events(ofAsset:types:after:limit:)` for `typeCount` types: a branch per type,
    /// each cut at the limit, as `type IN (...)` would sort every event of those types first.
    static func eventsOfAssetSQL(typeCount: Int) -> String {
        let branch = """
            SELECT * FROM (SELECT \(eventColumns) FROM event_logs AS e
            WHERE e.asset_key = ? AND e.type = ? AND e.id > ? ORDER BY e.id LIMIT ?)
            """
        return Array(repeating: branch, count: typeCount).joined(separator: " UNION ALL ") + " ORDER BY id LIMIT ?"
    }

    /// The latest materialization of each of the given partitions of an asset that has one.
    ///
    /// The keys travel as one JSON array, so any number of them fits in one query.
    public func latestMaterializations(of key: AssetKey, partitions: [PartitionKey]) async throws
        -> [PartitionKey: EventRecord]
    {
        guard !partitions.isEmpty else { return [:] }
        let keyList = try json(partitions)
        let records = try await pool.read { db in
            try self.fetchRecords(
                db, sql: Self.latestPartitionMaterializationsSQL, arguments: [keyList, key.description])
        }
        var result: [PartitionKey: EventRecord] = [:]
        for record in records {
            if let partition = record.event.partition { result[partition] = record }
        }
        return result
    }

    /// The query of `latestMaterializations(of:partitions:)`: a primary-key lookup per partition key.
    ///
    /// `CROSS JOIN` keeps the keys in the outer loop: otherwise SQLite reads every partition of the
    /// asset and scans the keys for each.
    static let latestPartitionMaterializationsSQL = """
        SELECT \(eventColumns) FROM json_each(?) AS k
        CROSS JOIN asset_partition_latest_materialization AS l ON l.asset_key = ? AND l.partition_key = k.value
        JOIN event_logs AS e ON e.id = l.event_id
        """

    /// The partition status of an asset as last stored, or `nil`.
    public func partitionStatus(of key: AssetKey) async throws -> StoredPartitionStatus? {
        try await pool.read { db in
            try Row.fetchOne(
                db.cachedStatement(sql: "SELECT cursor, data FROM asset_partition_status WHERE asset_key = ?"),
                arguments: [key.description]
            ).map { StoredPartitionStatus(cursor: $0[0], data: $0[1]) }
        }
    }

    /// Stores the partition status of an asset, unless the stored one has a higher cursor.
    public func storePartitionStatus(_ status: StoredPartitionStatus, of key: AssetKey) async throws {
        try await pool.write { db in
            try db.cachedStatement(
                sql: """
                    INSERT INTO asset_partition_status (asset_key, cursor, data) VALUES (?, ?, ?)
                    ON CONFLICT (asset_key) DO UPDATE SET cursor = excluded.cursor, data = excluded.data
                    WHERE excluded.cursor >= asset_partition_status.cursor
                    """
            ).execute(arguments: [key.description, status.cursor, status.data])
        }
    }

    /// Adds the keys the set `name` does not hold yet, in order, in one transaction whose
    /// statements each read the keys from one JSON array; returns how many were added.
    ///
    /// New keys get the next ordinals in the order of their JSON array, so the insert needs no sort.
    @discardableResult
    public func addDynamicPartitions(_ keys: [PartitionKey], to name: String) async throws -> Int {
        var seen: Set<PartitionKey> = []
        let unique = keys.filter { seen.insert($0).inserted }
        guard !unique.isEmpty else { return 0 }
        let keyList = try json(unique)
        return try await pool.write { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT d.key, d.deleted FROM json_each(?2) AS k
                        CROSS JOIN dynamic_partitions AS d ON d.name = ?1 AND d.key = k.value
                        """),
                arguments: [name, keyList])
            var known: Set<String> = []
            var deleted: [String] = []
            while let row = try rows.next() {
                let key: String = row[0]
                known.insert(key)
                if row[1] { deleted.append(key) }
            }
            if !deleted.isEmpty {
                try db.cachedStatement(sql: Self.setDynamicPartitionsDeletedSQL(false)).execute(
                    arguments: [name, try self.json(deleted)])
            }
            let added = known.isEmpty ? unique : unique.filter { !known.contains($0.rawValue) }
            guard !added.isEmpty else { return deleted.count }
            let next = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT coalesce(max(ordinal), -1) + 1 FROM dynamic_partitions WHERE name = ?"),
                arguments: [name])
            try db.cachedStatement(
                sql: """
                    INSERT INTO dynamic_partitions (name, ordinal, key)
                    SELECT ?1, ?2 + k.key, k.value FROM json_each(?3) AS k
                    """
            ).execute(arguments: [name, next, known.isEmpty ? keyList : try self.json(added)])
            return deleted.count + added.count
        }
    }

    /// Removes the keys the set holds, keeping their ordinals for when they are added again;
    /// returns how many were removed.
    @discardableResult
    public func deleteDynamicPartitions(_ keys: [PartitionKey], from name: String) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        let keyList = try json(keys)
        return try await pool.write { db in
            try db.cachedStatement(sql: Self.setDynamicPartitionsDeletedSQL(true)).execute(arguments: [name, keyList])
            return db.changesCount
        }
    }

    /// The statement that flags the keys of a JSON array in a set as deleted or not: a lookup of
    /// the unique index on `(name, key)` per key; `name = ? AND key IN (...)` would read the whole set.
    static func setDynamicPartitionsDeletedSQL(_ deleted: Bool) -> String {
        """
        UPDATE dynamic_partitions SET deleted = \(deleted ? 1 : 0)
        WHERE deleted = \(deleted ? 0 : 1) AND (name, key) IN (SELECT ?1, value FROM json_each(?2))
        """
    }

    /// The keys the set holds, with their ordinals, in the order they were first added.
    public func dynamicPartitions(_ name: String) async throws -> DynamicPartitionKeys {
        try await pool.read { db in
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: "SELECT key, ordinal FROM dynamic_partitions WHERE name = ? AND deleted = 0 ORDER BY ordinal"),
                arguments: [name])
            var keys: [PartitionKey] = []
            var ordinals: [Int] = []
            while let row = try rows.next() {
                keys.append(PartitionKey(row[0] as String))
                ordinals.append(row[1])
            }
            return DynamicPartitionKeys(name: name, keys: keys, ordinals: ordinals)
        }
    }
}
