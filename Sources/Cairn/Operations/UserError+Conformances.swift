// The errors of Cairn that users cause, and what kind of mistake each is.

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
        case .duplicateRun, .duplicateBackfill, .runEnded: .conflict
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
