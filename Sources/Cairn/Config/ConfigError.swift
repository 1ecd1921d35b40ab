/// Everything wrong with a run's config, each problem with the path of the value it is about.
///
/// ```
/// invalid run config (2 problems):
///   ops.daily_highs.config.treshold: unknown key; did you mean 'threshold'?
///   ops.daily_highs.config: missing required value 'threshold' (a number)
/// ```
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// One problem with one value of the config.
    public struct Issue: Sendable, Hashable, CustomStringConvertible {
        /// The keys from the top of the config down to the value; array indices are written `[3]`.
        public let path: [String]
        /// What is wrong and, where it can tell, how to fix it.
        public let message: String

        /// Creates an issue about the value at `path`.
        public init(path: [String], message: String) {
            self.path = path
            self.message = message
        }

        /// The path written with dots, as `ops.daily_highs.config.windows[2].size`.
        public var dottedPath: String { ConfigError.render(path) }

        /// `path: message`, or only the message when it is about the whole config.
        public var description: String {
            path.isEmpty ? message : "\(dottedPath): \(message)"
        }
    }

    /// The problems, in the order they were found.
    public let issues: [Issue]

    /// Creates an error from its issues.
    public init(issues: [Issue]) {
        self.issues = issues
    }

    /// Creates an error with a single issue.
    public init(path: [String], message: String) {
        self.issues = [Issue(path: path, message: message)]
    }

    /// A heading and one line per issue.
    public var description: String {
        let heading = "invalid run config (\(issues.count) \(issues.count == 1 ? "problem" : "problems")):"
        return ([heading] + issues.map { "  \($0)" }).joined(separator: "\n")
    }

    /// The path component for the element at `index` of an array.
    static func index(_ index: Int) -> String {
        "[\(index)]"
    }

    /// Joins the components of a path with dots; array indices follow their array without one.
    static func render(_ path: [String]) -> String {
        var text = ""
        for component in path {
            if isIndex(component) {
                text += component
            } else {
                if !text.isEmpty { text += "." }
                text += component
            }
        }
        return text
    }

    /// Whether a path component is an array index such as `[3]`.
    private static func isIndex(_ component: String) -> Bool {
        let bytes = component.utf8
        guard bytes.count >= 3, bytes.first == UInt8(ascii: "["), bytes.last == UInt8(ascii: "]") else { return false }
        return bytes.dropFirst().dropLast().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
