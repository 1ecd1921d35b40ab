/// A storage that does not behave as `StorageConformance` requires: which check, and what differed.
public struct ConformanceFailure: Error, Sendable, CustomStringConvertible {
    /// The name of the check that failed.
    public let check: String
    /// What the storage did, compared with what it should have done.
    public let message: String

    /// Creates a failure of `check`.
    public init(check: String, message: String) {
        self.check = check
        self.message = message
    }

    /// `storage conformance check '<check>' failed: <message>`.
    public var description: String { "storage conformance check '\(check)' failed: \(message)" }
}

/// What differed, thrown inside a check before the check's name is attached.
struct Mismatch: Error {
    /// What differed.
    let message: String
}
