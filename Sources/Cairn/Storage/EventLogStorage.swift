/// The append-only event log, the source of truth for what happened, and the index of the
/// latest materialization of each asset that it keeps up to date.
public protocol EventLogStorage: Sendable {
    /// Appends events in one transaction and returns them with their ids, in order.
    ///
    /// In the same transaction, run-level events update their run's status (`Run.applying(_:)`),
    /// and materializations, observations and check evaluations update the indexes of the latest
    /// one per asset (per check for evaluations).
    ///
    /// Fencing: an event of a run that has ended (before the batch, or earlier in it) is refused
    /// with `StorageError.runEnded` and nothing of the batch is stored, decided in the same
    /// transaction, so a worker that wakes up after its run was declared dead can never write over
    /// the run that replaced it.
    @discardableResult
    func append(_ events: [Event]) async throws -> [EventRecord]

    /// The events of one run in order, after the event id `cursor`, at most `limit`.
    func events(ofRun runID: RunID, after cursor: Int64?, limit: Int) async throws -> [EventRecord]

    /// Events of all runs in order, after the event id `cursor`, of the given types (all when
    /// `nil`), at most `limit`.
    func events(after cursor: Int64?, types: Set<EventType>?, limit: Int) async throws -> [EventRecord]

    /// The id of the newest event in the log, `nil` while it is empty: where a reader that
    /// ignores the past starts.
    func lastEventID() async throws -> Int64?

    /// The latest materialization of each of the given assets that has one.
    func latestMaterializations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord]

    /// Materializations of one asset, newest first, before the event id `cursor`, at most `limit`.
    func materializations(of key: AssetKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord]

    /// The latest observation of each of the given assets that has one.
    func latestObservations(of keys: [AssetKey]) async throws -> [AssetKey: EventRecord]

    /// The latest evaluation of every check of the given assets, by check.
    func latestCheckEvaluations(of keys: [AssetKey]) async throws -> [CheckKey: EventRecord]

    /// Evaluations of one check, newest first, before the event id `cursor`, at most `limit`.
    func checkEvaluations(of check: CheckKey, before cursor: Int64?, limit: Int) async throws -> [EventRecord]

    /// The newest evaluations of each of the given checks, newest first, at most `limit` of each,
    /// read at once: the history of all checks of an asset page. Checks without evaluations are absent.
    func checkEvaluations(of checks: [CheckKey], limit: Int) async throws -> [CheckKey: [EventRecord]]
}

extension EventLogStorage {
    /// The newest evaluations of each of the given checks, read check by check: what a storage
    /// without a batched read does.
    public func checkEvaluations(of checks: [CheckKey], limit: Int) async throws -> [CheckKey: [EventRecord]] {
        var result: [CheckKey: [EventRecord]] = [:]
        for check in Set(checks) {
            let records = try await checkEvaluations(of: check, before: nil, limit: limit)
            if !records.isEmpty { result[check] = records }
        }
        return result
    }
}
