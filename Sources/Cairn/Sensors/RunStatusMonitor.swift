/// Which ended runs a run-status sensor reacts to: those that ended with its status, of its
/// jobs or assets when it names some, and not requested by the sensor itself.
///
/// ```swift
/// RunStatusMonitor(status: .failure, jobs: ["export"], assets: ["daily_temperature_highs"])
/// ```
public struct RunStatusMonitor: Sendable, Hashable, CustomStringConvertible {
    /// The status the runs ended with: `.success`, `.failure` or `.canceled`.
    public var status: RunStatus
    /// The jobs whose runs are monitored, by name; with no assets either, every run is.
    public var jobs: [String]
    /// The assets whose runs are monitored: a run that materializes any of them matches.
    public var assets: [AssetKey]

    /// Monitors the runs that end with `status`, of `jobs` or `assets`, or every run when both are empty.
    public init(status: RunStatus, jobs: [String] = [], assets: [AssetKey] = []) {
        self.status = status
        self.jobs = jobs
        self.assets = assets
    }

    /// The event that ends a run with the status: RUN_SUCCESS, RUN_FAILURE or RUN_CANCELED;
    /// `nil` for a status no run ends with.
    public var eventType: EventType? {
        switch status {
        case .success: .runSuccess
        case .failure: .runFailure
        case .canceled: .runCanceled
        default: nil
        }
    }

    /// Whether `run` is one of the monitored jobs or materializes one of the monitored assets;
    /// every run is when the monitor names neither.
    public func matches(_ run: Run) -> Bool {
        (jobs.isEmpty && assets.isEmpty) || jobs.contains(run.jobName) || run.assetKeys.contains(where: assets.contains)
    }

    /// `runs ending FAILURE of job 'export', asset raw/orders`.
    public var description: String {
        let scope = jobs.map { "job '\($0)'" } + assets.map { "asset \($0)" }
        return "runs ending \(status.rawValue)" + (scope.isEmpty ? "" : " of \(scope.joined(separator: ", "))")
    }
}
