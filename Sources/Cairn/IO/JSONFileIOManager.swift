import Foundation

/// Stores each asset value as a JSON file: `<directory>/<key components>.json`, and each
/// partition of a partitioned asset at `<directory>/<key components>/<partition>.json`.
///
/// The default IO manager of persistent runs, with the directory under the Cairn home.
/// Files are replaced atomically, so a crash never leaves half a value behind.
public struct JSONFileIOManager: IOManager {
    /// The directory that holds the files.
    public let directory: String

    /// Creates an IO manager storing under `directory`, created on first use.
    public init(directory: String) {
        self.directory = directory
    }

    /// The file that holds an asset's value, or the value of one of its partitions.
    public func path(for key: AssetKey, partition: PartitionKey? = nil) -> String {
        let base = key.path.joined(separator: "/")
        let relative = partition.map { base + "/" + $0.relativePath } ?? base
        return URL(fileURLWithPath: directory).appendingPathComponent(relative + ".json").path
    }

    /// Writes the value as JSON and reports the path and, for arrays of records, the row count and
    /// the inferred schema.
    public func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata
    {
        let path = path(for: context.assetKey, partition: context.partitionKey)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try AtomicFile.write(try encoder.encode(value), to: path)
        var metadata: Metadata = ["path": .path(path)]
        if let rows = value as? any Collection {
            metadata["row_count"] = .int(rows.count)
            let schema = TableSchema(sampling: value, count: rows.count)
            if !schema.columns.isEmpty { metadata["schema"] = .tableSchema(schema) }
        }
        return metadata
    }

    /// Reads the value from its JSON file.
    public func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
        let path = path(for: context.assetKey, partition: context.partitionKey)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOManagerError.missingValue(context.assetKey, location: path)
        }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do {
            return try decoder.decode(type, from: data)
        } catch {
            throw IOManagerError.typeMismatch(
                context.assetKey, expected: String(reflecting: Value.self), location: path,
                underlying: String(describing: error))
        }
    }
}
