import Foundation

/// Stores arrays of records as CSV files, and reads the CSV files of source assets.
///
/// ```swift
/// let samples = SourceAsset<[Sample]>("sfo_q2_weather_sample", io: .csv(path: "data/sfo_q2_weather_sample.csv"))
/// let highs = Asset("daily_temperature_highs", from: samples, io: .csv(directory: "warehouse")) { ... }
/// ```
///
/// With a fixed path, every asset of this IO manager reads and writes that one file, which suits a
/// source asset; with a directory, each asset has its own file, `<directory>/<asset/key>.csv`.
/// Relative paths are resolved against the current working directory when a file is used. Files
/// are replaced atomically, so a crash never leaves half a table behind. See `CSVDecoder` and
/// `CSVEncoder` for the field types and the format.
public struct CSVFileIOManager: IOManager {
    /// Where the files of an IO manager are.
    public enum Location: Hashable, Sendable {
        /// One file, for every asset.
        case file(String)
        /// One file per asset, `<directory>/<asset/key>.csv`.
        case directory(String)
    }

    /// Where the files are.
    public let location: Location

    /// Creates an IO manager that reads and writes the one file at `path`.
    public init(path: String) {
        location = .file(path)
    }

    /// Creates an IO manager storing under `directory`, created on first write.
    public init(directory: String) {
        location = .directory(directory)
    }

    /// The absolute path of the file that holds an asset's value, or the value of one of its
    /// partitions: `<file without .csv>/<partition>.csv` or `<directory>/<asset/key>/<partition>.csv`.
    public func path(for key: AssetKey, partition: PartitionKey? = nil) -> String {
        let base =
            switch location {
            case .file(let path):
                URL(fileURLWithPath: path).deletingPathExtension()
            case .directory(let directory):
                URL(fileURLWithPath: directory).appendingPathComponent(key.path.joined(separator: "/"))
            }
        let url =
            if let partition {
                base.appendingPathComponent(partition.relativePath + ".csv")
            } else if case .file(let path) = location {
                URL(fileURLWithPath: path)
            } else {
                base.appendingPathExtension("csv")
            }
        return url.standardizedFileURL.path
    }

    /// Writes the records as CSV and reports the path, the row count and the inferred schema.
    public func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata
    {
        let path = path(for: context.assetKey, partition: context.partitionKey)
        let table: (text: String, rowCount: Int)
        do {
            table = try CSVEncoder().encodeTable(value)
        } catch let error as CSVError {
            throw CSVFileError.unwritable(context.assetKey, path: path, reason: error)
        }
        try AtomicFile.write(Data(table.text.utf8), to: path)
        var metadata: Metadata = ["path": .path(path), "row_count": .int(table.rowCount)]
        let schema = TableSchema(sampling: value, count: table.rowCount)
        if !schema.columns.isEmpty {
            metadata["schema"] = .tableSchema(schema)
        }
        return metadata
    }

    /// Reads and decodes the records of an asset's file.
    public func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
        let path = path(for: context.assetKey, partition: context.partitionKey)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw IOManagerError.missingValue(context.assetKey, location: path)
        }
        do {
            return try CSVDecoder().decode(type, from: try Self.text(of: data))
        } catch let error as CSVError {
            throw CSVFileError.unreadable(context.assetKey, path: path, reason: error)
        }
    }

    /// The data as UTF-8 text, or an error naming the first line that is not UTF-8.
    private static func text(of data: Data) throws -> String {
        if let text = String(data: data, encoding: .utf8) {
            return text
        }
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let index = lines.firstIndex { String(validating: $0, as: UTF8.self) == nil } ?? 0
        throw CSVError.malformed(
            line: index + 1,
            problem: "the text is not UTF-8; convert the file, for example with `iconv -f latin1 -t utf-8`")
    }
}

/// Why `CSVFileIOManager` could not load or store an asset's value.
public enum CSVFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file exists but does not hold records of the type the asset expects.
    case unreadable(AssetKey, path: String, reason: CSVError)
    /// The asset's value cannot be written as CSV.
    case unwritable(AssetKey, path: String, reason: CSVError)

    /// What went wrong, in which file, and why.
    public var description: String {
        switch self {
        case .unreadable(let key, let path, let reason):
            "cannot load asset '\(key)' from \(path): \(reason)"
        case .unwritable(let key, let path, let reason):
            "cannot store asset '\(key)' as CSV in \(path): \(reason)"
        }
    }
}

extension Optional where Wrapped == any IOManager {
    /// Reads and writes the one CSV file at `path`, as source assets do.
    public static func csv(path: String) -> Self { CSVFileIOManager(path: path) }

    /// Stores each value as a CSV file under `directory` (`<directory>/<asset/key>.csv`).
    public static func csv(directory: String) -> Self { CSVFileIOManager(directory: directory) }
}
