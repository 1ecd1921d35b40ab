/// Starts the execution of runs that the run queue claimed: in this process, or as a child process.
///
/// The run's RUN_STARTING is stored when `launch` is called (its status is STARTING); the launcher
/// hands the run to whatever executes it and returns without waiting for the run to end.
public protocol RunLauncher: Sendable {
    /// Starts executing a claimed run; returns once the run is handed over, not when it ends.
    ///
    /// - Throws: when the run cannot be started; the caller then marks it failed.
    func launch(_ run: Run) async throws

    /// The runs this launcher started that have not finished executing here: what counts against
    /// a worker's own capacity.
    var runsInFlight: Set<RunID> { get }
}
