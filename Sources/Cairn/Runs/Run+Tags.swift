import Foundation

extension Run {
    /// Tags written as `key=value` entries, as every face takes them (`--tag`, a launchpad line,
    /// GraphQL's `tags`): the value may be empty, the key may not; spaces around both are dropped;
    /// a later entry of the same key wins.
    ///
    /// - Throws: `OperationError.malformedTag` naming the first entry that is not `key=value`.
    public static func tags(parsing entries: some Sequence<some StringProtocol>) throws(OperationError)
        -> [String: String]
    {
        var tags: [String: String] = [:]
        for entry in entries {
            guard let equals = entry.firstIndex(of: "=") else { throw .malformedTag(String(entry)) }
            let key = entry[..<equals].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty else { throw .malformedTag(String(entry)) }
            tags[key] = entry[entry.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        return tags
    }
}
