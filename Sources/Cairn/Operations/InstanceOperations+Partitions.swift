import Foundation

extension InstanceOperations {
    /// The names of the dynamic partitions definitions of the code location's assets.
    public var dynamicPartitionsNames: [String] {
        let names = definitions.assets.flatMap(\.specs).compactMap(\.partitions).flatMap(\.dynamicNames)
        return Array(Set(names)).sorted()
    }

    /// Adds keys to a dynamic partitions definition of the code location; whitespace around each
    /// key is trimmed.
    ///
    /// - Returns: how many were new.
    /// - Throws: `OperationError` for an unknown definition or no key, `PartitionsError` for a key
    ///   that cannot be a partition key.
    @discardableResult
    public func addDynamicPartitions(_ keys: [String], to name: String) async throws -> Int {
        try await storage.addDynamicPartitions(try dynamicKeys(keys, of: name), to: name)
    }

    /// Deletes keys of a dynamic partitions definition of the code location.
    ///
    /// - Returns: how many existed.
    /// - Throws: the errors of `addDynamicPartitions`.
    @discardableResult
    public func deleteDynamicPartitions(_ keys: [String], from name: String) async throws -> Int {
        try await storage.deleteDynamicPartitions(try dynamicKeys(keys, of: name), from: name)
    }

    /// The keys, trimmed and checked, of a dynamic partitions definition of the code location.
    private func dynamicKeys(_ keys: [String], of name: String) throws -> [PartitionKey] {
        guard dynamicPartitionsNames.contains(name) else {
            throw OperationError.unknownDynamicPartitions(name, known: dynamicPartitionsNames)
        }
        let trimmed = keys.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !trimmed.isEmpty else { throw OperationError.noPartitionKeys }
        return try DynamicPartitions(name).validatedKeys(trimmed)
    }
}
