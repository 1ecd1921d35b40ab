/// A step attempt that took longer than its definition's `timeout:`: it was interrupted (its
/// task canceled, so its external processes got SIGINT) and failed, and is retried under its
/// retry policy.
public struct StepTimeout: Error, CustomStringConvertible, Sendable {
    /// The step.
    public let step: String
    /// Its timeout.
    public let timeout: Duration

    /// What happened, and how to change it.
    public var description: String {
        "step '\(step)' did not finish within its timeout of \(timeout) and was interrupted; "
            + "give it a longer `timeout:` if it needs more time"
    }

    /// Runs `body`, interrupting it once `timeout` has passed on the real clock; no limit when
    /// `timeout` is `nil`. Waits for the interrupted body to end before throwing.
    static func limit(
        _ step: String, to timeout: Duration?, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        guard let timeout else { return try await body() }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == false else { return }
            group.cancelAll()
            _ = try? await group.next()
            throw StepTimeout(step: step, timeout: timeout)
        }
    }
}
