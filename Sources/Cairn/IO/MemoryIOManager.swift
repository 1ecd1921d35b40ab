import Synchronization

/// Keeps asset values in memory, shared by the runs of one process; each partition of a
/// partitioned asset separately.
public final class MemoryIOManager: IOManager {
    private struct Slot: Hashable {
        let key: AssetKey
        let partition: PartitionKey?
    }

    private let values = Mutex<[Slot: any Sendable]>([:])

    /// Creates an empty store.
    public init() {}

    /// Keeps the value.
    public func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata
    {
        values.withLock { $0[Slot(key: context.assetKey, partition: context.partitionKey)] = value }
        return [:]
    }

    /// Returns the kept value.
    public func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
        guard let stored = values.withLock({ $0[Slot(key: context.assetKey, partition: context.partitionKey)] }) else {
            throw IOManagerError.missingValue(context.assetKey, location: "memory")
        }
        guard let value = stored as? Value else {
            throw IOManagerError.typeMismatch(
                context.assetKey, expected: String(reflecting: Value.self), location: "memory",
                underlying: "it is a \(String(reflecting: Swift.type(of: stored)))")
        }
        return value
    }

    /// Puts a value in place directly, as tests do for source assets.
    public func set<Value: Codable & Sendable>(_ value: Value, for key: AssetKey, partition: PartitionKey? = nil) {
        values.withLock { $0[Slot(key: key, partition: partition)] = value }
    }
}
