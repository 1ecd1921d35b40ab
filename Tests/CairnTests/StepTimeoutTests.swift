import CairnTesting
import Foundation
import Synchronization
import Testing

@testable import Cairn

/// `timeout:` on an asset interrupts a step attempt that takes too long and fails it.
@Suite struct StepTimeoutTests {
    @Test func anAttemptPastItsTimeoutIsInterruptedFailedAndRetried() async throws {
        let attempts = Counter()
        let slow = Asset<Int>("slow", retryPolicy: RetryPolicy(maxRetries: 1), timeout: .milliseconds(200)) { _ in
            attempts.increment()
            try await Task.sleep(for: .seconds(30))
            return 1
        }
        // Without the timeout the step would succeed after 30 s; how soon it is interrupted is not
        // asserted, as the whole suite's load can hold up any test's async work.
        let result = try await materialize([slow])
        #expect(result.run.status == .failure)
        #expect(attempts.value == 2)
        let failure = try #require(result.events.first { $0.event.type == .stepFailure }?.event)
        #expect(failure.message.contains("step 'slow' did not finish within its timeout of 0.2 seconds"))
        #expect(failure.error?.type.hasSuffix("StepTimeout") == true)
        #expect(result.events.contains { $0.event.type == .stepUpForRetry })
    }

    @Test func anOpPastItsTimeoutFailsJustItsStep() async throws {
        let attempts = Counter()
        let quick = Op<Int>("quick") { _ in 1 }
        let stuck = Op<Int>("stuck", retryPolicy: RetryPolicy(maxRetries: 1), timeout: .milliseconds(200)) { _ in
            attempts.increment()
            try await Task.sleep(for: .seconds(30))
            return 1
        }
        let storage = InMemoryStorage()
        let definitions = Definitions(jobs: [Job("nightly", ops: [quick, stuck])])
        let result = try await operations(definitions, storage).execute(.job("nightly"))
        #expect(!result.succeeded)
        #expect(attempts.value == 2)
        #expect(result.succeededSteps.map(\.key) == ["quick"])
        let events = try await storage.events(ofRun: result.runID, after: nil, limit: 100).map(\.event)
        let failure = try #require(events.first { $0.type == .stepFailure })
        #expect(failure.stepKey == "stuck")
        #expect(failure.message.contains("step 'stuck' did not finish within its timeout of 0.2 seconds"))
    }

    @Test func anAttemptWithinItsTimeoutSucceeds() async throws {
        let quick = Asset<Int>("quick", timeout: .seconds(30)) { _ in 7 }
        let result = try await materialize([quick])
        #expect(result.run.status == .success)
        #expect(try await result.value(of: quick) == 7)
    }
}

/// A count shared with a compute function.
private final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
