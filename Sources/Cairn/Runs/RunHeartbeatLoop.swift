import Foundation

/// What runs beside the execution of a run, whatever executes it (`execute-run`, a daemon
/// in-process, `materialize` in the foreground): every interval it records the run's heartbeat,
/// so that run monitoring on any host can tell the worker is alive, and reads the run's status,
/// so that a run set CANCELING (or CANCELED) by `terminate` from another process or host is
/// canceled here. A run past the maximum runtime of its `cairn/max_runtime` tag is terminated
/// here too, daemon or not.
struct RunHeartbeatLoop: Sendable {
    /// The run being executed.
    let runID: RunID
    /// Where the heartbeats and the run's status are.
    let storage: any RunStorage & HeartbeatStorage
    /// How long to wait between two heartbeats.
    let interval: Duration
    /// The process executing the run.
    let worker: RunWorker

    /// Runs `execution` in a task of its own, beating until it ends, and cancels it once the run is
    /// asked to stop.
    ///
    /// When the canceled execution throws instead of recording the run's end (a read canceled
    /// before the first step), the run is marked CANCELED here.
    func supervise(
        observer: (@Sendable (EventRecord) -> Void)?, _ execution: @escaping @Sendable () async throws -> RunResult
    ) async throws -> RunResult {
        let start = ContinuousClock.now
        let task = Task { try await execution() }
        let beats = Task { await beat(canceling: task) }
        defer { beats.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await task.value
            } onCancel: {
                task.cancel()
            }
        } catch {
            guard task.isCancelled else { throw error }
            let canceled = Event(
                .runCanceled, runID: runID, level: .warning,
                message: "Execution of run was canceled before it recorded its end: \(error)")
            let storage = storage
            if let record = try await Task(operation: {
                try await storage.transition(canceled, from: [.starting, .started, .canceling])
            }).value {
                observer?(record)
            }
            return RunResult(runID: runID, status: .canceled, steps: [], duration: ContinuousClock.now - start)
        }
    }

    /// Records a heartbeat and reads the run's status every interval until canceled; cancels
    /// `execution` when the run is CANCELING or CANCELED, or past its maximum runtime. A heartbeat that cannot be stored is
    /// tried again at the next interval.
    private func beat(canceling execution: Task<RunResult, any Error>) async {
        while !Task.isCancelled {
            try? await storage.recordRunHeartbeat(RunHeartbeat(runID: runID, worker: worker))
            if let run = try? await storage.run(runID) {
                if let overstayed = run.overstayedRuntime(now: Date()) {
                    _ = try? await storage.requestTermination(of: runID, by: "its worker", reason: overstayed)
                    execution.cancel()
                } else if run.status == .canceling || run.status == .canceled {
                    execution.cancel()
                }
            }
            try? await Task.sleep(for: interval)
        }
    }
}
