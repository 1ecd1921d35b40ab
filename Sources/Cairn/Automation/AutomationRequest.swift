/// An asset, or one partition of it, that an automation condition requested.
public struct AutomationRequest: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The asset.
    public var assetKey: AssetKey
    /// The partition, for a partitioned asset.
    public var partition: PartitionKey?

    /// Creates a request.
    public init(assetKey: AssetKey, partition: PartitionKey? = nil) {
        self.assetKey = assetKey
        self.partition = partition
    }

    /// `asset` or `asset[partition]`.
    public var description: String { partition.map { "\(assetKey)[\($0)]" } ?? assetKey.description }
}
