import Cairn
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Stores arrays of flat records as tables in a PostgreSQL database, one table per asset, so that
/// every host reads what any host wrote, and other tools query them with SQL.
///
/// ```swift
/// let orders = Asset("warehouse/orders", io: .postgresTable(PostgresLocation(url))) { _ in
///     try await fetchOrders()  // [Order]
/// }
/// // psql -c 'SELECT count(*) FROM "warehouse__orders"'
/// ```
///
/// The table of an asset is named after its key with `__` between the components, in the
/// location's schema. Its columns are the records' fields, typed by PostgreSQL from the records:
/// numbers `NUMERIC` (exact for integers and decimals), `Bool` `BOOLEAN`, strings `TEXT`, dates
/// `TEXT` in ISO 8601 with milliseconds, nested values `JSONB`; a field a later value has is added
/// as a column. The column `_partition` holds the partition key of a partitioned asset's rows
/// (`''` for an unpartitioned one), and `_row` their order.
///
/// A value is written in one transaction that deletes the asset's rows (of its partition) and
/// inserts the new ones in one statement, PostgreSQL reading the records from their JSON one by
/// one, so readers see the old rows or the new ones, never half of them, and a partition's runs
/// never touch the rows of another.
public struct PostgresTableIOManager: IOManager {
    /// The database.
    public let location: PostgresLocation
    private let connection: TableConnection

    /// Creates an IO manager storing in the database at `location`, connected on first use.
    public init(_ location: PostgresLocation) {
        self.location = location
        connection = TableConnection(location)
    }

    /// The name of the table of an asset: its key's components joined by `__`.
    public static func tableName(for key: AssetKey) -> String { key.path.joined(separator: "__") }

    /// Replaces the rows of the asset (of its partition), and reports the table, the row count and
    /// the partition.
    public func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata
    {
        let table = Self.tableName(for: context.assetKey)
        guard table.utf8.count <= 63 else {
            throw PostgresStorageError.unstorable(
                context.assetKey,
                reason: "its table name '\(table)' is longer than PostgreSQL's 63 bytes; shorten the asset's key")
        }
        let (records, count) = try Self.records(of: value, key: context.assetKey)
        let partition = context.partitionKey?.rawValue ?? ""
        let client = try await connection.client()
        let quoted = Self.quoted(table)
        try await client.withConnection { db in
            try await db.query("BEGIN", logger: PostgresStorage.logger)
            do {
                var columns = try await Self.columns(of: table, on: db)
                if columns.isEmpty {
                    // Two writers creating the table at once: the second waits, then finds it.
                    try await db.query(
                        "SELECT pg_advisory_xact_lock(hashtext(\(table)))", logger: PostgresStorage.logger)
                    columns = try await Self.columns(of: table, on: db)
                    if columns.isEmpty {
                        try await db.query(
                            PostgresQuery(
                                unsafeSQL: "CREATE TABLE \(quoted) (_partition TEXT NOT NULL, _row BIGINT NOT NULL)"),
                            logger: PostgresStorage.logger)
                        columns = ["_partition", "_row"]
                    }
                }
                // The fields' JSON types, read by PostgreSQL from the records themselves.
                let fields = try await db.query(
                    """
                    SELECT f.key, string_agg(DISTINCT jsonb_typeof(f.value), ',')
                    FROM jsonb_array_elements(\(records)::jsonb) AS e, jsonb_each(e.value) AS f GROUP BY f.key
                    """, logger: PostgresStorage.logger
                ).collect().map { try $0.decode((String, String).self, context: .default) }
                for (name, types) in fields where !columns.contains(name) {
                    try await db.query(
                        PostgresQuery(
                            unsafeSQL:
                                "ALTER TABLE \(quoted) ADD COLUMN \(Self.quoted(name)) \(Self.sqlType(of: types))"),
                        logger: PostgresStorage.logger)
                }
                var binds = PostgresBindings()
                binds.append(partition)
                try await db.query(
                    PostgresQuery(unsafeSQL: "DELETE FROM \(quoted) WHERE _partition = $1", binds: binds),
                    logger: PostgresStorage.logger)
                binds.append(records)
                try await db.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO \(quoted)
                            SELECT (jsonb_populate_record(
                                NULL::\(quoted), e.value || jsonb_build_object('_partition', $1::text, '_row', e.n))).*
                            FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS e(value, n)
                            """, binds: binds),
                    logger: PostgresStorage.logger)
                try await db.query("COMMIT", logger: PostgresStorage.logger)
            } catch {
                _ = try? await db.query("ROLLBACK", logger: PostgresStorage.logger)
                throw PostgresStorageError.query(
                    location.description,
                    reason: "storing \(context.assetKey) in table \(table): \(PostgresStorageError.reason(error))")
            }
        }
        var metadata: Metadata = ["table": .text(table), "row_count": .int(count)]
        if let key = context.partitionKey { metadata["partition"] = .text(key.rawValue) }
        return metadata
    }

    /// Reads the asset's rows (of its partition) in their order and decodes them, by column name,
    /// into an array of records.
    public func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
        let table = Self.tableName(for: context.assetKey)
        let partition = context.partitionKey?.rawValue ?? ""
        let location = "\(location) table \(table)" + (context.partitionKey.map { " partition \($0)" } ?? "")
        let client = try await connection.client()
        let text: String?
        do {
            guard try await !Self.columns(of: table, on: client).isEmpty else {
                throw IOManagerError.missingValue(context.assetKey, location: location)
            }
            text = try await client.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT json_agg(to_jsonb(t) - '_partition' - '_row' ORDER BY t._row)::text
                        FROM \(Self.quoted(table)) AS t WHERE t._partition = $1
                        """, binds: Self.binds(partition)), logger: PostgresStorage.logger
            ).collect().first?.decode(String?.self)
        } catch let error as IOManagerError {
            throw error
        } catch {
            throw PostgresStorageError.query(
                self.location.description, reason: "loading \(context.assetKey): \(PostgresStorageError.reason(error))")
        }
        guard let text else { throw IOManagerError.missingValue(context.assetKey, location: location) }
        do {
            return try Self.decoder.decode(Value.self, from: Data(text.utf8))
        } catch {
            throw IOManagerError.typeMismatch(
                context.assetKey, expected: "\(Value.self)", location: location, underlying: "\(error)")
        }
    }

    /// The records of `value` as JSON text, and how many there are: it must encode as an array of
    /// records. The text goes to PostgreSQL as it is, which reads its numbers exactly.
    private static func records<Value: Encodable>(of value: Value, key: AssetKey) throws -> (String, Int) {
        let data = try encoder.encode(value)
        guard case .array(let elements) = try StoredJSON.decoder.decode(JSONValue.self, from: data),
            elements.allSatisfy({ if case .object = $0 { true } else { false } })
        else {
            throw PostgresStorageError.unstorable(
                key,
                reason: "its value, \(Value.self), is not an array of records; the PostgreSQL table IO manager "
                    + "stores arrays of structs (use .json or .memory for other values)")
        }
        return (String(decoding: data, as: UTF8.self), elements.count)
    }

    /// The column type of a field whose values have these JSON types (`jsonb_typeof`, comma
    /// separated): `JSONB` for nested values, `NUMERIC` for numbers (exact for integers and
    /// decimals alike), `BOOLEAN`, and `TEXT` for strings, mixed types and fields only ever null.
    private static func sqlType(of types: String) -> String {
        let kinds = Set(types.split(separator: ",").map(String.init)).subtracting(["null"])
        if kinds.contains("object") || kinds.contains("array") { return "JSONB" }
        switch kinds {
        case ["number"]: return "NUMERIC"
        case ["boolean"]: return "BOOLEAN"
        default: return "TEXT"
        }
    }

    /// The columns of `table`, none when it does not exist.
    private static func columns(of table: String, on client: PostgresClient) async throws -> Set<String> {
        try await client.withConnection { try await columns(of: table, on: $0) }
    }

    private static func columns(of table: String, on connection: PostgresConnection) async throws -> Set<String> {
        Set(
            try await connection.query(
                """
                SELECT column_name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = \(table)
                """, logger: PostgresStorage.logger
            ).collect().map { try $0.decode(String.self) })
    }

    private static func quoted(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    private static func binds(_ value: String) -> PostgresBindings {
        var binds = PostgresBindings()
        binds.append(value)
        return binds
    }

    /// Dates as ISO 8601 text with milliseconds, as the SQLite table IO manager writes them.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true)))
        }
        return encoder
    }()

    private static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            else {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(
                        codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 date: \(text)"))
            }
            return date
        }
        return decoder
    }()
}

/// The connection pool of one `PostgresTableIOManager`, opened on first use and kept open.
private final class TableConnection: Sendable {
    private let location: PostgresLocation
    private let opened = Mutex<(PostgresClient, Task<Void, Never>)?>(nil)

    init(_ location: PostgresLocation) {
        self.location = location
    }

    func client() async throws -> PostgresClient {
        opened.withLock { opened in
            if let (client, _) = opened { return client }
            let client = PostgresClient(
                configuration: location.clientConfiguration, backgroundLogger: PostgresStorage.logger)
            opened = (client, Task { await client.run() })
            return client
        }
    }

    deinit { opened.withLock { $0?.1.cancel() } }
}

extension Optional where Wrapped == any IOManager {
    /// Stores each value as rows of a table in the PostgreSQL database at `location`
    /// (`warehouse/orders` in `warehouse__orders`), which every host reads.
    public static func postgresTable(_ location: PostgresLocation) -> Self { PostgresTableIOManager(location) }
}
