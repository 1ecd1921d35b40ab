/// The stream of an external process that captured output came from.
public enum CapturedStream: String, Hashable, Sendable, Codable, CaseIterable {
    /// Standard output.
    case stdout
    /// Standard error.
    case stderr
}
