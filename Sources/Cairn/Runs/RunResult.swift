import Foundation

/// How a run ended, step by step.
public struct RunResult: Sendable {
    /// How one step ended.
    public enum StepOutcome: Sendable, Hashable {
        /// The step succeeded and materialized its assets.
        case success
        /// The step threw; the error is also in the event log.
        case failure(ErrorInfo)
        /// The step did not run because an upstream step failed or was skipped.
        case skipped
    }

    /// One step's key, outcome and duration.
    public struct StepResult: Sendable, Hashable {
        /// The step key.
        public let key: String
        /// The assets the step materializes.
        public let assetKeys: [AssetKey]
        /// How it ended.
        public let outcome: StepOutcome
        /// How long it ran; zero when skipped.
        public let duration: Duration
    }

    /// The run's identifier.
    public let runID: RunID
    /// `success` or `failure`.
    public let status: RunStatus
    /// The steps in plan order.
    public let steps: [StepResult]
    /// How long the run took.
    public let duration: Duration

    /// Whether every step succeeded.
    public var succeeded: Bool { status == .success }

    /// The steps that failed.
    public var failedSteps: [StepResult] {
        steps.filter { if case .failure = $0.outcome { true } else { false } }
    }

    /// The steps that were skipped.
    public var skippedSteps: [StepResult] { steps.filter { $0.outcome == .skipped } }

    /// The steps that succeeded.
    public var succeededSteps: [StepResult] { steps.filter { $0.outcome == .success } }
}
