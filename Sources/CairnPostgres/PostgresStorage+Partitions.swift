import Cairn
import Foundation
import PostgresNIO

extension PostgresStorage {
    /// Events concerning one asset, oldest first, after the event id `cursor`, of the given types,
    /// at most `limit`.
    public func events(ofAsset key: AssetKey, types: Set<EventType>, after cursor: Int64?, limit: Int) async throws
        -> [EventRecord]
    {
        guard !types.isEmpty, limit > 0 else { return [] }
        return try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM event_logs AS e
            WHERE e.asset_key = \(key.description) AND e.type = ANY(\(types.map(\.rawValue).sorted())::text[])
            AND e.id > \(cursor ?? 0) ORDER BY e.id LIMIT \(limit)
            """)
    }

    /// The latest materialization of each of the given partitions of an asset that has one, in
    /// one query whatever the number of keys (they travel as one array).
    public func latestMaterializations(of key: AssetKey, partitions: [PartitionKey]) async throws
        -> [PartitionKey: EventRecord]
    {
        guard !partitions.isEmpty else { return [:] }
        let records = try await records(
            """
            SELECT \(unescaped: Self.eventColumns) FROM asset_partition_latest_materialization AS l
            JOIN event_logs AS e ON e.id = l.event_id
            WHERE l.asset_key = \(key.description) AND l.partition_key = ANY(\(partitions.map(\.rawValue))::text[])
            """)
        var result: [PartitionKey: EventRecord] = [:]
        for record in records {
            if let partition = record.event.partition { result[partition] = record }
        }
        return result
    }

    /// The partition status of an asset as last stored, or `nil`.
    public func partitionStatus(of key: AssetKey) async throws -> StoredPartitionStatus? {
        try await rows("SELECT cursor, data FROM asset_partition_status WHERE asset_key = \(key.description)")
            .first.map { row in
                let (cursor, data) = try row.decode((Int64, Data).self, context: .default)
                return StoredPartitionStatus(cursor: cursor, data: data)
            }
    }

    /// Stores the partition status of an asset, unless the stored one has a higher cursor.
    public func storePartitionStatus(_ status: StoredPartitionStatus, of key: AssetKey) async throws {
        _ = try await rows(
            """
            INSERT INTO asset_partition_status (asset_key, cursor, data)
            VALUES (\(key.description), \(status.cursor), \(status.data))
            ON CONFLICT (asset_key) DO UPDATE SET cursor = excluded.cursor, data = excluded.data
            WHERE excluded.cursor >= asset_partition_status.cursor
            """)
    }

    /// Adds the keys the set `name` does not hold yet, in order, in one transaction; returns how
    /// many were added. The set's existing rows are locked, and a new set's first insert decides,
    /// so two processes adding keys at once give each key one ordinal.
    @discardableResult
    public func addDynamicPartitions(_ keys: [PartitionKey], to name: String) async throws -> Int {
        var seen: Set<PartitionKey> = []
        let unique = keys.filter { seen.insert($0).inserted }.map(\.rawValue)
        guard !unique.isEmpty else { return 0 }
        return try await transaction { connection in
            // Serializes the writers of one set: ordinals are given as max + 1.
            try await connection.query(
                "SELECT pg_advisory_xact_lock(hashtext('cairn-dynamic-partitions:' || \(name)))", logger: Self.logger)
            let restored = try await connection.query(
                """
                UPDATE dynamic_partitions SET deleted = false
                WHERE name = \(name) AND deleted AND key = ANY(\(unique)::text[]) RETURNING key
                """, logger: Self.logger
            ).collect().count
            let added = try await connection.query(
                """
                INSERT INTO dynamic_partitions (name, ordinal, key)
                SELECT \(name), (SELECT coalesce(max(ordinal), -1) FROM dynamic_partitions WHERE name = \(name))
                    + row_number() OVER (ORDER BY k.n), k.key
                FROM unnest(\(unique)::text[]) WITH ORDINALITY AS k(key, n)
                WHERE NOT EXISTS (SELECT 1 FROM dynamic_partitions AS d WHERE d.name = \(name) AND d.key = k.key)
                ORDER BY k.n
                RETURNING 1
                """, logger: Self.logger
            ).collect().count
            return restored + added
        }
    }

    /// Removes the keys the set holds, keeping their ordinals for when they are added again;
    /// returns how many were removed.
    @discardableResult
    public func deleteDynamicPartitions(_ keys: [PartitionKey], from name: String) async throws -> Int {
        guard !keys.isEmpty else { return 0 }
        return try await rows(
            """
            UPDATE dynamic_partitions SET deleted = true
            WHERE name = \(name) AND NOT deleted AND key = ANY(\(keys.map(\.rawValue))::text[]) RETURNING 1
            """
        ).count
    }

    /// The keys the set holds, with their ordinals, in the order they were first added.
    public func dynamicPartitions(_ name: String) async throws -> DynamicPartitionKeys {
        var keys: [PartitionKey] = []
        var ordinals: [Int] = []
        for row in try await rows(
            "SELECT key, ordinal FROM dynamic_partitions WHERE name = \(name) AND NOT deleted ORDER BY ordinal")
        {
            let (key, ordinal) = try row.decode((String, Int32).self, context: .default)
            keys.append(PartitionKey(key))
            ordinals.append(Int(ordinal))
        }
        return DynamicPartitionKeys(name: name, keys: keys, ordinals: ordinals)
    }
}
