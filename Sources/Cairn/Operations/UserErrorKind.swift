/// What kind of mistake a `UserError` is.
public enum UserErrorKind: Sendable, Hashable {
    /// The request is malformed or cannot be carried out as asked: a bad selection, bad config.
    case invalid
    /// It names something that does not exist: a run, a backfill, a schedule.
    case notFound
    /// It conflicts with the current state: a run still going, a backfill in progress.
    case conflict
    /// It is not allowed: a read-only server.
    case forbidden
}
