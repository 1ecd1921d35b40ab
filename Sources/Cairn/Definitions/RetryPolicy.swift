/// How often and how patiently a failed step is tried again, as Dagster's `RetryPolicy`.
///
/// ```swift
/// Asset("raw_customer_data", retryPolicy: RetryPolicy(maxRetries: 3, delay: .seconds(2), backoff: .exponential, jitter: .plusMinus)) { ... }
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// How the delay grows from one retry to the next.
    public enum Backoff: String, Sendable, Hashable {
        /// The same delay every time.
        case constant
        /// `delay × n` before the n-th retry.
        case linear
        /// `delay × (2ⁿ − 1)` before the n-th retry.
        case exponential
    }

    /// How the delay is randomised, so that many failing steps do not retry in lockstep.
    public enum Jitter: String, Sendable, Hashable {
        /// No randomness.
        case none
        /// A random delay between zero and the computed one.
        case full
        /// The computed delay plus or minus up to `delay`, never below zero.
        case plusMinus
    }

    /// How many times a failed step is tried again.
    public var maxRetries: Int
    /// The base delay before a retry.
    public var delay: Duration
    /// How the delay grows.
    public var backoff: Backoff
    /// How the delay is randomised.
    public var jitter: Jitter

    /// Creates a policy; the defaults retry once, immediately.
    public init(maxRetries: Int = 1, delay: Duration = .zero, backoff: Backoff = .constant, jitter: Jitter = .none) {
        self.maxRetries = maxRetries
        self.delay = delay
        self.backoff = backoff
        self.jitter = jitter
    }

    /// The delay before retry number `attempt` (1 for the first retry), given a random number in `0..<1`.
    public func delay(beforeRetry attempt: Int, random: Double) -> Duration {
        let computed: Duration
        switch backoff {
        case .constant: computed = delay
        case .linear: computed = delay * attempt
        case .exponential: computed = delay * ((1 << min(attempt, 30)) - 1)
        }
        switch jitter {
        case .none: return computed
        case .full: return computed * random
        case .plusMinus: return max(.zero, computed + delay * (2 * random - 1))
        }
    }
}
