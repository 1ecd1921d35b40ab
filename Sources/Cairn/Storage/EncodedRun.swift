import Foundation

/// A run's JSON columns (tags, asset keys, run config), encoded before a write so that the write
/// holds its locks briefly: the same form in every storage.
public struct EncodedRun: Sendable {
    /// The run.
    public let run: Run
    /// Its tags as JSON.
    public let tags: String
    /// Its asset keys as JSON.
    public let assetKeys: String
    /// Its run config as JSON, if any.
    public let runConfig: String?

    /// Encodes the JSON columns of `run`.
    public init(_ run: Run, encoder: JSONEncoder) throws {
        self.run = run
        tags = try StoredJSON.text(run.tags, encoder: encoder)
        assetKeys = try StoredJSON.text(run.assetKeys, encoder: encoder)
        runConfig = try run.runConfig.map { try StoredJSON.text($0, encoder: encoder) }
    }
}
