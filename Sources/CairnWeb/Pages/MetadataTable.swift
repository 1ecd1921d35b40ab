import Cairn

/// Metadata as a table: markdown rendered, table schemas as tables, URLs as links, paths as code.
enum MetadataTable {
    static func html(_ metadata: Metadata) -> String {
        "<table><tbody>"
            + metadata.map { label, value in
                "<tr><td class=\"mono\">\(HTML.escape(label))</td><td>\(html(value))</td></tr>"
            }.joined() + "</tbody></table>"
    }

    /// One value.
    static func html(_ value: MetadataValue) -> String {
        switch value {
        case .markdown(let text): return "<div class=\"markdown\">\(Markdown.html(text))</div>"
        case .url(let url):
            guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
                return "<code>\(HTML.escape(url))</code>"
            }
            return "<a href=\"\(HTML.escape(url))\" rel=\"noopener noreferrer\">\(HTML.escape(url))</a>"
        case .path(let path):
            return "<a class=\"mono\" href=\"file://\(HTML.escape(path))\">\(HTML.escape(path))</a>"
        case .json(let json): return "<pre class=\"mono\">\(HTML.escape(json.description))</pre>"
        case .timestamp(let date): return WebFormat.timestamp(date)
        case .tableSchema(let schema):
            return "<table><thead><tr><th>Column</th><th>Type</th><th>Description</th></tr></thead><tbody>"
                + schema.columns.map {
                    "<tr><td class=\"mono\">\(HTML.escape($0.name))</td><td>\(HTML.escape($0.type))</td>"
                        + "<td>\(HTML.escape($0.description ?? ""))</td></tr>"
                }.joined() + "</tbody></table>"
        case .assetKey(let key): return WebFormat.assetLink(key)
        case .run(let id): return WebFormat.runLink(id)
        case .text, .int, .float, .bool: return HTML.escape(value.description)
        }
    }
}
