/// What is wrong with an asset selection: a syntax error at a column of the text, or a
/// selection that names an asset the graph does not have.
///
/// Syntax errors render with the text and a caret under the offending place:
///
/// ```
/// invalid asset selection: expected a value after 'group:' at column 7
///   group: and x
///         ^
/// ```
public struct SelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The selection as written (for a syntax error) or in canonical form (for an unknown asset).
    public let text: String
    /// The 1-based column, in characters, of the offending place; `nil` for errors found when
    /// the selection is resolved against a graph.
    public let column: Int?
    /// What is wrong and, where possible, how to fix it.
    public let message: String

    /// Creates an error.
    public init(text: String, column: Int?, message: String) {
        self.text = text
        self.column = column
        self.message = message
    }

    /// The message with the text and a caret under the column, or the message alone without a column.
    public var description: String {
        guard let column else { return message }
        let line = String(text.map { $0.isWhitespace ? " " : $0 })
        let caret = String(repeating: " ", count: max(0, column - 1)) + "^"
        return "invalid asset selection: \(message) at column \(column)\n  \(line)\n  \(caret)"
    }
}
