import Cairn

/// Asset keys as the Pipes protocol writes them: parts joined by `/`, with `\` and `/` inside a
/// part escaped by a backslash.
enum PipesAssetKey {
    /// `["a/b", "c"]` → `a\/b/c`.
    static func encode(_ key: AssetKey) -> String {
        key.path.map { part in
            part.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "/", with: "\\/")
        }.joined(separator: "/")
    }

    /// `a\/b/c` → `["a/b", "c"]`: a backslash takes the next character literally, an unescaped
    /// `/` ends a part, and an empty last part is dropped, as `dagster-pipes` decodes keys.
    static func decode(_ string: String) -> AssetKey {
        var parts: [String] = []
        var current = ""
        var escaping = false
        for character in string {
            if escaping {
                current.append(character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else if character == "/" {
                parts.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        if !current.isEmpty { parts.append(current) }
        return AssetKey(path: parts)
    }
}
