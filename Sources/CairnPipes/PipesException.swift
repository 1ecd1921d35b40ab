import Foundation

/// An exception the external process reported in its `closed` message: Python's message,
/// traceback frames, class name, and the exceptions chained to it.
public struct PipesException: Sendable, Hashable, CustomStringConvertible {
    /// Python's text of the exception, such as `ValueError: boom`.
    public var message: String
    /// The traceback, one formatted frame per entry, outermost first.
    public var stack: [String]
    /// The class name, such as `ValueError`.
    public var name: String?
    /// The exception raised explicitly from (`raise … from cause`).
    public var cause: Box?
    /// The exception being handled when this one was raised.
    public var context: Box?

    /// An indirect exception, for the chain.
    public final class Box: Sendable, Hashable {
        /// The chained exception.
        public let exception: PipesException
        init(_ exception: PipesException) { self.exception = exception }
        /// Compares the chained exceptions.
        public static func == (lhs: Box, rhs: Box) -> Bool { lhs.exception == rhs.exception }
        /// Hashes the chained exception.
        public func hash(into hasher: inout Hasher) { hasher.combine(exception) }
    }

    /// Reads an exception object of the protocol; `nil` when it is not one. The chain is
    /// followed 16 deep at most.
    init?(_ value: PipesValue, depth: Int = 0) {
        guard case .object = value, depth < 16 else { return nil }
        message = (value["message"]?.string ?? "an exception without a message")
            .trimmingCharacters(in: .newlines)
        if case .array(let frames)? = value["stack"] { stack = frames.compactMap(\.string) } else { stack = [] }
        name = value["name"]?.string
        cause = value["cause"].flatMap { PipesException($0, depth: depth + 1) }.map(Box.init)
        context = value["context"].flatMap { PipesException($0, depth: depth + 1) }.map(Box.init)
    }

    /// The message, then the message of each chained exception.
    public var description: String {
        var text = message
        if let cause { text += "\n(caused by \(cause.exception))" }
        if let context { text += "\n(while handling \(context.exception))" }
        return text
    }

    /// The traceback as Python prints it, the chained exceptions first.
    public var traceback: [String] {
        var lines: [String] = []
        if let cause {
            lines += cause.exception.traceback
            lines.append("The above exception was the direct cause of the following exception:")
        } else if let context {
            lines += context.exception.traceback
            lines.append("During handling of the above exception, another exception occurred:")
        }
        lines += stack.map { $0.trimmingCharacters(in: .newlines) }
        lines.append(message)
        return lines
    }
}
