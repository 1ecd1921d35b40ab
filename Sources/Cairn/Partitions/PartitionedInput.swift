extension AssetReference {
    /// The one upstream partition that `mapping` picks for each partition of the consuming
    /// asset, such as yesterday's:
    ///
    /// ```swift
    /// Asset("daily_change", partitions: daily, from: prices, prices.partition(.timeWindow(startOffset: -1, endOffset: -1))) {
    ///     _, today, yesterday in today.close - yesterday.close
    /// }
    /// ```
    public func partition(_ mapping: PartitionMapping) -> PartitionInput<Self> {
        PartitionInput(upstream: self, inputPartitionMapping: mapping)
    }

    /// The values of every upstream partition that `mapping` (the default mapping when `nil`)
    /// picks for each partition of the consuming asset, by key, such as the last seven days:
    ///
    /// ```swift
    /// Asset("weekly_total", partitions: daily, from: sales.partitions(.timeWindow(startOffset: -6))) { _, week in
    ///     week.values.reduce(0, +)
    /// }
    /// ```
    public func partitions(_ mapping: PartitionMapping? = nil) -> PartitionsInput<Self> {
        PartitionsInput(upstream: self, inputPartitionMapping: mapping)
    }
}

/// An upstream reference that loads the one upstream partition a mapping picks.
public struct PartitionInput<Upstream: AssetReference>: AssetReference {
    /// The value type of the upstream asset.
    public typealias Value = Upstream.Value
    /// The upstream reference.
    public let upstream: Upstream
    /// The mapping that picks the upstream partition.
    public let inputPartitionMapping: PartitionMapping?

    /// The upstream asset's key.
    public var key: AssetKey { upstream.key }
    /// The upstream reference's IO manager.
    public var inputIOManager: (any IOManager)? { upstream.inputIOManager }
}

/// An upstream reference that loads every upstream partition a mapping picks, by key.
public struct PartitionsInput<Upstream: AssetReference>: AssetReference {
    /// The values of the upstream partitions, by key.
    public typealias Value = PartitionedValues<Upstream.Value>
    /// The upstream reference.
    public let upstream: Upstream
    /// The mapping that picks the upstream partitions; the default when `nil`.
    public let inputPartitionMapping: PartitionMapping?

    /// The upstream asset's key.
    public var key: AssetKey { upstream.key }
    /// The upstream reference's IO manager.
    public var inputIOManager: (any IOManager)? { upstream.inputIOManager }
}

/// The values of several partitions of an asset, in partition order.
public struct PartitionedValues<Element: Codable & Sendable>: Codable, Sendable, RandomAccessCollection {
    /// The partitions' keys, in order.
    public let keys: [PartitionKey]
    /// The partitions' values, in the order of `keys`.
    public let values: [Element]

    /// Creates the values of the given partitions.
    public init(keys: [PartitionKey], values: [Element]) {
        precondition(keys.count == values.count, "every partition key needs its value")
        self.keys = keys
        self.values = values
    }

    /// The position of the first partition.
    public var startIndex: Int { 0 }
    /// The position after the last partition.
    public var endIndex: Int { keys.count }

    /// The key and value of the partition at `position`.
    public subscript(position: Int) -> (key: PartitionKey, value: Element) { (keys[position], values[position]) }

    /// The value of the partition with `key`, if it is one of them.
    public subscript(key: PartitionKey) -> Element? {
        keys.firstIndex(of: key).map { values[$0] }
    }
}

/// Loads the value of one partition of an upstream asset: what a step offers `PartitionedValues`.
protocol PartitionValueLoader: Sendable {
    /// Loads the value of partition `key`.
    func loadPartition<Value: Codable & Sendable>(_ type: Value.Type, _ key: PartitionKey) async throws -> Value
}

/// A value made of the values of several upstream partitions, loaded one by one.
protocol PartitionedValuesLoadable {
    /// Loads the values of `keys` with `loader`.
    static func load(keys: [PartitionKey], with loader: some PartitionValueLoader) async throws -> Self
}

extension PartitionedValues: PartitionedValuesLoadable {
    /// Loads the values of `keys` in order.
    static func load(keys: [PartitionKey], with loader: some PartitionValueLoader) async throws -> Self {
        var values: [Element] = []
        values.reserveCapacity(keys.count)
        for key in keys { values.append(try await loader.loadPartition(Element.self, key)) }
        return PartitionedValues(keys: keys, values: values)
    }
}
