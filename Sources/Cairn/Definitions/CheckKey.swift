/// Identifies an asset check: the asset it checks and its name.
public struct CheckKey: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The checked asset.
    public var assetKey: AssetKey
    /// The check's name, unique per asset.
    public var name: String

    /// Creates a check key.
    public init(assetKey: AssetKey, name: String) {
        self.assetKey = assetKey
        self.name = name
    }

    /// `asset/key:check_name`.
    public var description: String { "\(assetKey):\(name)" }
}
