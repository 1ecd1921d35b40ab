/// The kind of an event in the event log, with Dagster's names.
public enum EventType: String, Hashable, Sendable, Codable, CaseIterable {
    /// The run was put in the run queue.
    case runEnqueued = "RUN_ENQUEUED"
    /// The run was taken from the queue and its worker is starting.
    case runStarting = "RUN_STARTING"
    /// The run was asked to stop.
    case runCanceling = "RUN_CANCELING"
    /// The run began executing.
    case runStart = "RUN_START"
    /// The run finished with every step successful.
    case runSuccess = "RUN_SUCCESS"
    /// The run finished with a failure.
    case runFailure = "RUN_FAILURE"
    /// The run was canceled.
    case runCanceled = "RUN_CANCELED"
    /// A step began executing.
    case stepStart = "STEP_START"
    /// A step loaded an input through an IO manager.
    case loadedInput = "LOADED_INPUT"
    /// A step produced an output.
    case stepOutput = "STEP_OUTPUT"
    /// An IO manager stored a step's output.
    case handledOutput = "HANDLED_OUTPUT"
    /// A run will materialize an asset (a partition of it): the partition is in progress.
    case assetMaterializationPlanned = "ASSET_MATERIALIZATION_PLANNED"
    /// A planned materialization did not happen: its step failed or was skipped.
    case assetFailedToMaterialize = "ASSET_FAILED_TO_MATERIALIZE"
    /// A new value of an asset was stored.
    case assetMaterialization = "ASSET_MATERIALIZATION"
    /// A step finished successfully.
    case stepSuccess = "STEP_SUCCESS"
    /// A step failed; the event carries the error.
    case stepFailure = "STEP_FAILURE"
    /// A step did not run because an upstream step failed or was skipped.
    case stepSkipped = "STEP_SKIPPED"
    /// A step failed and will be retried after a delay.
    case stepUpForRetry = "STEP_UP_FOR_RETRY"
    /// A step started again after a failure.
    case stepRestarted = "STEP_RESTARTED"
    /// The current state of a source asset was observed: its data version and metadata.
    case assetObservation = "ASSET_OBSERVATION"
    /// An asset check ran; the event carries its result.
    case assetCheckEvaluation = "ASSET_CHECK_EVALUATION"
    /// A message logged by user code through `context.log`.
    case logs = "LOGS"
    /// Output an external process of a step wrote to its stdout or stderr.
    case logsCaptured = "LOGS_CAPTURED"
    /// A message from Cairn itself about the run.
    case engineEvent = "ENGINE_EVENT"

    /// The run status this event moves its run to, for run-level events.
    public var runStatus: RunStatus? {
        switch self {
        case .runEnqueued: .queued
        case .runStarting: .starting
        case .runCanceling: .canceling
        case .runStart: .started
        case .runSuccess: .success
        case .runFailure: .failure
        case .runCanceled: .canceled
        default: nil
        }
    }
}
