/// Why a run cannot be re-executed.
public enum ReexecutionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No run has this id.
    case unknownRun(RunID)
    /// An asset of the run is no longer defined.
    case assetGone(AssetKey, run: RunID)
    /// The run did not fail, so there is no failure to re-execute from.
    case notFailed(RunID, RunStatus)
    /// Every step of the run succeeded.
    case nothingFailed(RunID)
    /// The run's `Run.stepSelectionTag` is not a JSON array of step keys.
    case badStepSelection(RunID, String)

    /// What went wrong and what to do instead.
    public var description: String {
        switch self {
        case .unknownRun(let id):
            "there is no run with id \(id); 'runs' lists the runs there are"
        case .assetGone(let key, let run):
            "run \(run) materialized '\(key)', which is no longer defined; re-execute a selection without it "
                + "(--select) or start a new run with 'materialize'"
        case .notFailed(let id, let status) where status.isTerminal:
            "run \(id) ended \(status.rawValue), so there is nothing to re-execute from failure; "
                + "re-execute all of it without --from-failure"
        case .notFailed(let id, let status):
            "run \(id) is \(status.rawValue) and its process is still alive; wait for it to end, or terminate it first"
        case .nothingFailed(let id):
            "every step of run \(id) succeeded; re-execute all of it without --from-failure"
        case .badStepSelection(let id, let text):
            "run \(id) has the tag \(Run.stepSelectionTag)='\(text)', which is not a JSON array of step keys "
                + "such as [\"orders\"]; remove the tag to execute all of the run's steps"
        }
    }
}
