import Foundation

extension Run {
    /// The most tags a run takes from a face, and the longest key and value: tags are stored with
    /// every run and shown on its pages.
    public static let tagLimits = (count: 100, keyLength: 256, valueLength: 4096)

    /// Tags written as `key=value` entries, as every face takes them (`--tag`, a launchpad line,
    /// GraphQL's `tags`): the value may be empty, the key may not; spaces around both are dropped;
    /// a later entry of the same key wins.
    ///
    /// - Throws: `OperationError.malformedTag` naming the first entry that is not `key=value`,
    ///   `OperationError.tagsTooLarge` for more tags, or a longer key or value, than `tagLimits`.
    public static func tags(parsing entries: some Sequence<some StringProtocol>) throws(OperationError)
        -> [String: String]
    {
        var tags: [String: String] = [:]
        for entry in entries {
            guard tags.count < tagLimits.count else {
                throw .tagsTooLarge("a run takes at most \(tagLimits.count) tags")
            }
            guard let equals = entry.firstIndex(of: "=") else { throw .malformedTag(String(entry)) }
            let key = entry[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw .malformedTag(String(entry)) }
            let value = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard key.count <= tagLimits.keyLength, value.count <= tagLimits.valueLength else {
                throw .tagsTooLarge(
                    "the tag '\(key.prefix(40))…' is longer than \(tagLimits.keyLength) characters of key or "
                        + "\(tagLimits.valueLength) of value; shorten it")
            }
            tags[key] = value
        }
        return tags
    }
}
