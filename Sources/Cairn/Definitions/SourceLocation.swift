/// Where in the user's code a definition was written, for errors that point at it.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// The file, as `#fileID` gives it (`Module/File.swift`).
    public let file: String
    /// The line in that file.
    public let line: Int

    /// Creates a location; definitions take `#fileID` and `#line` as defaults.
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }

    /// `Module/File.swift:12`.
    public var description: String { "\(file):\(line)" }
}
