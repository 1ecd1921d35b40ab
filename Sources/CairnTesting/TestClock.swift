import Synchronization

/// A clock whose sleeps return at once: its time jumps to the deadline and each sleep is
/// recorded, so retries with delays test without waiting.
///
/// ```swift
/// let clock = TestClock()
/// let result = try await materialize([flaky], retryPolicy: RetryPolicy(maxRetries: 2, delay: .seconds(30)), clock: clock)
/// #expect(clock.sleeps == [.seconds(30), .seconds(30)])
/// ```
public final class TestClock: Clock, Sendable {
    /// A point in the clock's time: how far it has advanced since it was created.
    public struct Instant: InstantProtocol {
        /// The time since the clock was created.
        public var offset: Duration

        /// The instant `duration` later.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }

        /// The duration from this instant to `other`.
        public func duration(to other: Instant) -> Duration { other.offset - offset }

        /// Orders instants in time.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let state = Mutex((now: Instant(offset: .zero), sleeps: [Duration]()))

    /// Creates a clock at time zero.
    public init() {}

    /// The current instant.
    public var now: Instant { state.withLock { $0.now } }

    /// The clock is exact.
    public var minimumResolution: Duration { .zero }

    /// How long each sleep asked to wait, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Records the sleep and moves time to `deadline` without waiting.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(max(.zero, state.now.duration(to: deadline)))
            state.now = max(state.now, deadline)
        }
    }
}
