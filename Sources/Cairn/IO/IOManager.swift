import Foundation

/// Stores the values of assets and loads them for downstream assets, so compute functions deal
/// only in values and never in where those values live.
///
/// Implement it to keep values where your team does (object storage, a warehouse table):
///
/// ```swift
/// struct BucketIOManager: IOManager {
///     func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata {
///         try await bucket.put(JSONEncoder().encode(value), at: context.assetKey.description)
///         return ["uri": .url("s3://bucket/\(context.assetKey)")]
///     }
///     func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
///         try JSONDecoder().decode(type, from: try await bucket.get(context.assetKey.description))
///     }
/// }
/// ```
public protocol IOManager: Sendable {
    /// Stores an asset's new value and returns metadata about it (a path, a row count) that is
    /// recorded with the materialization.
    func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata

    /// Loads the stored value of an upstream asset.
    func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value
}

/// What an IO manager knows when it stores a value.
public struct OutputContext: Sendable {
    /// The asset whose value is stored.
    public let assetKey: AssetKey
    /// The run that produced it.
    public let runID: RunID
    /// The step that produced it.
    public let stepKey: String
    /// The static metadata of the asset's definition.
    public let definitionMetadata: Metadata
    /// The partition whose value is stored, for a partitioned asset: each partition has its own place.
    public let partitionKey: PartitionKey?

    /// Creates a context; the executor does this, and tests of IO managers may too.
    public init(
        assetKey: AssetKey, runID: RunID, stepKey: String, definitionMetadata: Metadata = [:],
        partitionKey: PartitionKey? = nil
    ) {
        self.assetKey = assetKey
        self.runID = runID
        self.stepKey = stepKey
        self.definitionMetadata = definitionMetadata
        self.partitionKey = partitionKey
    }
}

/// What an IO manager knows when it loads a value.
public struct InputContext: Sendable {
    /// The upstream asset whose value is loaded.
    public let assetKey: AssetKey
    /// The asset that needs the value; `nil` when loaded outside a step.
    public let consumer: AssetKey?
    /// The run that loads it.
    public let runID: RunID
    /// The metadata of the upstream asset's latest materialization (its path, table, row count).
    public let upstreamMetadata: Metadata
    /// The partition of the upstream asset to load, for a partitioned asset.
    public let partitionKey: PartitionKey?

    /// Creates a context; the executor does this, and tests of IO managers may too.
    public init(
        assetKey: AssetKey, consumer: AssetKey? = nil, runID: RunID, upstreamMetadata: Metadata = [:],
        partitionKey: PartitionKey? = nil
    ) {
        self.assetKey = assetKey
        self.consumer = consumer
        self.runID = runID
        self.upstreamMetadata = upstreamMetadata
        self.partitionKey = partitionKey
    }
}

/// Why an IO manager could not store or load a value.
public enum IOManagerError: Error, Sendable, CustomStringConvertible {
    /// Nothing is stored for the asset yet.
    case missingValue(AssetKey, location: String)
    /// A value is stored, but it is not of the type the consumer expects.
    case typeMismatch(AssetKey, expected: String, location: String, underlying: String)

    /// What went wrong and how to fix it.
    public var description: String {
        switch self {
        case .missingValue(let key, let location):
            "no value of asset '\(key)' is stored (looked in \(location)); materialize it first, or "
                + "include it in the selection with '+key:\"…\"'; for a source asset, check that its data is there"
        case .typeMismatch(let key, let expected, let location, let underlying):
            "the stored value of asset '\(key)' at \(location) is not a \(expected): \(underlying); "
                + "materialize '\(key)' again with the current code"
        }
    }
}

extension Optional where Wrapped == any IOManager {
    /// Keeps values in memory for the life of the process: fast, for tests and intermediate values.
    public static var memory: Self { MemoryIOManager() }

    /// Stores each value as a JSON file under `directory` (`<directory>/<asset/key>.json`, and
    /// `<directory>/<asset/key>/<partition>.json` for each partition of a partitioned asset).
    public static func json(directory: String) -> Self { JSONFileIOManager(directory: directory) }
}
