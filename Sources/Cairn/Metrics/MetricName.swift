/// The names of Cairn's Prometheus metrics, with their help texts: the one list `/metrics`
/// exposes and the README documents.
public enum MetricName {
    /// Runs stored, by `status` and `job` (gauge, read from storage at each scrape).
    public static let runs = "cairn_runs"
    /// QUEUED runs (gauge, at each scrape).
    public static let queueDepth = "cairn_run_queue_depth"
    /// Seconds since the oldest QUEUED run was created; 0 with none (gauge, at each scrape).
    public static let queueOldestAge = "cairn_run_queue_oldest_age_seconds"
    /// Seconds from a run's start to its end, by `job` and `status` (histogram, from the event log).
    public static let runDuration = "cairn_run_duration_seconds"
    /// Seconds a step took, by `outcome` (`success`, `failure`) (histogram, from the event log).
    public static let stepDuration = "cairn_step_duration_seconds"
    /// Steps that failed (counter, from the event log).
    public static let stepFailures = "cairn_step_failures_total"
    /// Step attempts that failed and were retried (counter, from the event log).
    public static let stepRetries = "cairn_step_retries_total"
    /// Asset materializations (counter, from the event log).
    public static let materializations = "cairn_materializations_total"
    /// Seconds a round of a daemon service took, by `service` (histogram, in the daemon).
    public static let daemonTickDuration = "cairn_daemon_tick_duration_seconds"
    /// Seconds a daemon service's latest round began later than its wait asked, by `service` (gauge).
    public static let daemonTickLag = "cairn_daemon_tick_lag_seconds"
    /// Schedule ticks, by `schedule` and `status` (`SUCCESS`, `SKIPPED`, `FAILURE`) (counter, in the daemon).
    public static let scheduleTicks = "cairn_schedule_ticks_total"
    /// Sensor ticks, by `sensor` and `status` (counter, in the daemon).
    public static let sensorTicks = "cairn_sensor_ticks_total"
    /// Seconds an append of events to the event log took in this process (histogram).
    public static let eventAppendDuration = "cairn_event_log_append_duration_seconds"
    /// Seconds the web server took to answer, by `route`, `method` and `status` (histogram).
    public static let httpRequestDuration = "cairn_http_request_duration_seconds"

    /// Every metric's name and help text, in the order `/metrics` lists them.
    public static let help: [(name: String, help: String)] = [
        (runs, "Runs stored, by status and job."),
        (queueDepth, "Runs waiting in the queue (QUEUED)."),
        (queueOldestAge, "Seconds since the oldest queued run was created; 0 when none waits."),
        (runDuration, "Seconds from a run's start to its end, by job and status."),
        (stepDuration, "Seconds a step took, by outcome."),
        (stepFailures, "Steps that failed."),
        (stepRetries, "Step attempts that failed and were retried."),
        (materializations, "Asset materializations recorded."),
        (daemonTickDuration, "Seconds a round of a daemon service took, by service."),
        (daemonTickLag, "Seconds the latest round of a daemon service began later than its wait asked."),
        (scheduleTicks, "Schedule ticks, by schedule and status."),
        (sensorTicks, "Sensor ticks, by sensor and status."),
        (eventAppendDuration, "Seconds an append of events to the event log took in this process."),
        (httpRequestDuration, "Seconds the web server took to answer, by route, method and status."),
    ]
}
