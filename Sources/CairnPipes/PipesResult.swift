import Cairn

/// What an external process did, once it succeeded.
public struct PipesResult: Sendable {
    /// The exit status: 0.
    public var exitStatus: Int32
    /// The payloads of its `report_custom_message` calls, in order.
    public var customMessages: [JSONValue]
    /// The assets it reported materializations of; the step's other assets are materialized
    /// without metadata.
    public var reportedAssets: [AssetKey]
    /// How many Pipes messages it wrote.
    public var messageCount: Int
    /// How long it ran.
    public var duration: Duration
}
