/// Escaping of text for XML and HTML, shared by the lineage SVG and the web pages.
package enum MarkupText {
    /// `text` with `&`, `<`, `>`, `"` and `'` as entities: safe in XML and HTML element content
    /// and quoted attribute values.
    package static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }
}
