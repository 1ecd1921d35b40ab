import CairnTesting
import Testing

@testable import Cairn

@Suite struct RetryTests {
    @Test func aFlakyAssetSucceedsAfterRetriesWithoutSleeping() async throws {
        let counter = CallCounter()
        let retryNumbers = CallCounter()
        let flaky = Asset(
            "flaky", retryPolicy: RetryPolicy(maxRetries: 3, delay: .seconds(1), backoff: .exponential)
        ) { context in
            retryNumbers.record("retry \(context.retryNumber)")
            if counter.record("attempt") < 2 { throw TestFailure(description: "connection reset") }
            return "data"
        }
        let clock = TestClock()
        let result = try await materialize([flaky], clock: clock)
        #expect(result.succeeded)
        #expect(counter.count("attempt") == 3)
        #expect((0..<3).allSatisfy { retryNumbers.count("retry \($0)") == 1 })
        #expect(clock.sleeps == [.seconds(1), .seconds(3)])
        #expect(
            result.events.map(\.event.type) == [
                .runStart, .stepStart, .stepUpForRetry, .stepRestarted, .stepUpForRetry, .stepRestarted,
                .stepOutput, .handledOutput, .assetMaterialization, .stepSuccess, .runSuccess,
            ])
        let retry = try #require(result.events(ofType: .stepUpForRetry).first)
        #expect(retry.error?.message == "connection reset")
        #expect(retry.message.contains("will be retried in 1.00 s (retry 1 of 3)"))
    }

    @Test func retriesRunOutAndTheStepFails() async throws {
        let counter = CallCounter()
        let broken = Asset("broken") { _ -> Int in
            counter.record("attempt")
            throw TestFailure(description: "still down")
        }
        let clock = TestClock()
        let result = try await materialize(
            [broken], retryPolicy: RetryPolicy(maxRetries: 2, delay: .milliseconds(500), backoff: .linear), clock: clock
        )
        #expect(!result.succeeded)
        #expect(counter.count("attempt") == 3)
        #expect(clock.sleeps == [.milliseconds(500), .milliseconds(1000)])
        #expect(result.events(ofType: .stepFailure).first?.error?.message == "still down")
    }

    @Test func anAssetsOwnPolicyWinsOverTheDefault() async throws {
        let counter = CallCounter()
        let once = Asset("once", retryPolicy: RetryPolicy(maxRetries: 0)) { _ -> Int in
            counter.record("attempt")
            throw TestFailure(description: "no")
        }
        _ = try await materialize([once], retryPolicy: RetryPolicy(maxRetries: 5))
        #expect(counter.count("attempt") == 1)
    }

    @Test func delaysFollowBackoffAndJitter() {
        let constant = RetryPolicy(maxRetries: 3, delay: .seconds(2))
        #expect(
            (1...3).map { constant.delay(beforeRetry: $0, random: 0.5) } == [.seconds(2), .seconds(2), .seconds(2)])
        let linear = RetryPolicy(maxRetries: 3, delay: .seconds(2), backoff: .linear)
        #expect((1...3).map { linear.delay(beforeRetry: $0, random: 0.5) } == [.seconds(2), .seconds(4), .seconds(6)])
        let exponential = RetryPolicy(maxRetries: 3, delay: .seconds(1), backoff: .exponential)
        #expect(
            (1...3).map { exponential.delay(beforeRetry: $0, random: 0.5) } == [.seconds(1), .seconds(3), .seconds(7)])
        let full = RetryPolicy(delay: .seconds(10), jitter: .full)
        #expect(full.delay(beforeRetry: 1, random: 0.25) == .milliseconds(2500))
        let plusMinus = RetryPolicy(delay: .seconds(10), jitter: .plusMinus)
        #expect(plusMinus.delay(beforeRetry: 1, random: 0.75) == .seconds(15))
        #expect(plusMinus.delay(beforeRetry: 1, random: 0) == .zero)
    }
}
