import Cairn

/// Escaping of text for HTML: every value interpolated into a page goes through it.
enum HTML {
    /// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities, safe in element content and in
    /// quoted attribute values.
    static func escape(_ text: String) -> String {
        MarkupText.escape(text)
    }
}
