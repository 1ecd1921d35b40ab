/// Errors every storage reports the same way.
public enum StorageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A run with this id already exists.
    case duplicateRun(RunID)
    /// An event names a run that does not exist.
    case unknownRun(RunID)
    /// An event names a run that has ended: an ended run never changes, so its events are
    /// refused, as those of a worker that wakes up after it was declared dead.
    case runEnded(RunID, RunStatus)
    /// A backfill with this id already exists.
    case duplicateBackfill(BackfillID)
    /// There is no backfill with this id.
    case unknownBackfill(BackfillID)

    /// What went wrong.
    public var description: String {
        switch self {
        case .duplicateRun(let id): "a run with id \(id) already exists"
        case .unknownRun(let id): "there is no run with id \(id)"
        case .runEnded(let id, let status):
            "run \(id) ended \(status.rawValue), so its events are refused: an ended run never changes "
                + "(was its worker declared dead, or the run terminated?); to run what it did not finish, "
                + "re-execute it with `reexecute \(id.short) --from-failure`"
        case .duplicateBackfill(let id): "a backfill with id \(id) already exists"
        case .unknownBackfill(let id): "there is no backfill with id \(id); list backfills with `backfill list`"
        }
    }
}
