// The errors of Cairn that users cause; those not `invalid` say what kind of mistake they are.

extension SelectionError: UserError {}

extension DefinitionsError: UserError {}

extension PlanError: UserError {}

extension ConfigError: UserError {}

extension ResourceError: UserError {}

extension PartitionsError: UserError {}

extension ScheduleError: UserError {}

extension SensorError: UserError {}

extension ConcurrencyPoolError: UserError {}

extension JobError: UserError {}

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

extension CronError: UserError {}

extension AutomationConditionError: UserError {}
