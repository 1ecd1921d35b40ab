import Cairn

/// Escaping of text for HTML and SVG: every value interpolated into a page goes through it.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in element content and in
    /// quoted attribute values.
    static func escape(_ text: String) -> String {
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
