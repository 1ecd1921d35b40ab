/// Everything wrong with a set of definitions, found before anything runs.
public struct DefinitionsError: Error, Sendable, CustomStringConvertible {
    /// One problem, with where it was written.
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// Where the offending definition was written.
        public let location: SourceLocation
        /// What is wrong and how to fix it.
        public let message: String

        /// Creates a problem.
        public init(location: SourceLocation, message: String) {
            self.location = location
            self.message = message
        }

        /// `File.swift:12: message`.
        public var description: String { "\(location): \(message)" }
    }

    /// The problems, in the order of the definitions.
    public let problems: [Problem]

    /// Creates an error from its problems.
    public init(problems: [Problem]) {
        self.problems = problems
    }

    /// A heading and one line per problem.
    public var description: String {
        let heading =
            problems.count == 1
            ? "The definitions have a problem:" : "The definitions have \(problems.count) problems:"
        return ([heading] + problems.map { "  \($0)" }).joined(separator: "\n")
    }
}
