/// An error that the person or program asking for something caused, with a message that says
/// what is wrong and how to fix it: the one vocabulary of errors of Cairn's operations. The CLI
/// prints the message and exits non-zero; the web answers it with the HTTP status of its `kind`;
/// GraphQL returns it as the error's message. Any other error is a failure of Cairn or its storage.
public protocol UserError: Error, CustomStringConvertible {
    /// What kind of mistake it is.
    var kind: UserErrorKind { get }
}

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

extension SelectionError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension DefinitionsError: UserError {
    /// Always `invalid`: the definitions must be fixed first.
    public var kind: UserErrorKind { .invalid }
}

extension PlanError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension ConfigError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension ResourceError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension PartitionsError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension ScheduleError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension SensorError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension ConcurrencyPoolError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension JobError: UserError {
    /// Always `invalid`: a launch names a job the code location does not define.
    public var kind: UserErrorKind { .invalid }
}

extension ReexecutionError: UserError {
    /// `notFound` for an unknown run, `conflict` for a run still going, else `invalid`.
    public var kind: UserErrorKind {
        switch self {
        case .unknownRun: .notFound
        case .notFailed(_, let status) where !status.isTerminal: .conflict
        default: .invalid
        }
    }
}

extension StorageError: UserError {
    /// `notFound` for an unknown run or backfill, `conflict` for a duplicate.
    public var kind: UserErrorKind {
        switch self {
        case .unknownRun, .unknownBackfill: .notFound
        case .duplicateRun, .duplicateBackfill: .conflict
        }
    }
}

extension CronError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}

extension AutomationConditionError: UserError {
    /// Always `invalid`.
    public var kind: UserErrorKind { .invalid }
}
