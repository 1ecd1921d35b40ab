/// The keys of dynamic partition sets, added and removed at run time.
///
/// Each key gets an ordinal when first added that never changes: a removed key that is added
/// again gets its old ordinal back, so partition statuses kept by ordinal stay right.
public protocol DynamicPartitionsStorage: Sendable {
    /// Adds the keys the set `name` does not hold yet, in order, in one transaction and without
    /// one SQL variable per key; returns how many were added.
    @discardableResult
    func addDynamicPartitions(_ keys: [PartitionKey], to name: String) async throws -> Int

    /// Removes the keys the set holds; returns how many were removed.
    @discardableResult
    func deleteDynamicPartitions(_ keys: [PartitionKey], from name: String) async throws -> Int

    /// The keys the set holds, with their ordinals, in the order they were first added.
    func dynamicPartitions(_ name: String) async throws -> DynamicPartitionKeys
}
