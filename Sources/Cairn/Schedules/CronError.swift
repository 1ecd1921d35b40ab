/// Why a cron expression could not be parsed, with the offending field pointed at.
///
/// Its description reads, for `0 25 * * *`:
///
///     invalid cron '0 25 * * *': hour field '25' is out of range 0–23
///       0 25 * * *
///         ^^
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public let expression: String
    /// The field at fault, or `nil` when the expression as a whole is malformed.
    public let field: CronField?
    /// What is wrong, e.g. `hour field '25' is out of range 0–23`.
    public let reason: String
    /// The character offsets in `expression` the caret line points at.
    public let columns: Range<Int>

    /// Creates an error about `expression`, pointing at `columns`.
    public init(expression: String, field: CronField?, reason: String, columns: Range<Int>) {
        self.expression = expression
        self.field = field
        self.reason = reason
        self.columns = columns
    }

    /// The message, the expression, and a caret line under the part at fault.
    public var description: String {
        let width = max(1, columns.count)
        let caret = String(repeating: " ", count: columns.lowerBound) + String(repeating: "^", count: width)
        return "invalid cron '\(expression)': \(reason)\n  \(expression)\n  \(caret)"
    }
}
