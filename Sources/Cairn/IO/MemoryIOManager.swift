import Synchronization

/// Keeps asset values in memory, shared by the runs of one process.
public final class MemoryIOManager: IOManager {
    private let values = Mutex<[AssetKey: any Sendable]>([:])

    /// Creates an empty store.
    public init() {}

    /// Keeps the value.
    public func handleOutput<Value: Codable & Sendable>(_ value: Value, context: OutputContext) async throws -> Metadata
    {
        values.withLock { $0[context.assetKey] = value }
        return [:]
    }

    /// Returns the kept value.
    public func loadInput<Value: Codable & Sendable>(_ type: Value.Type, context: InputContext) async throws -> Value {
        guard let stored = values.withLock({ $0[context.assetKey] }) else {
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
    public func set<Value: Codable & Sendable>(_ value: Value, for key: AssetKey) {
        values.withLock { $0[key] = value }
    }
}
