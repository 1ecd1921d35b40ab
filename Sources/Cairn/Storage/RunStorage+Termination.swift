extension RunStorage {
    /// Asks a run to stop, as `InstanceOperations.terminate` does: a queued run is canceled at once; a
    /// starting or started run is marked CANCELING, which its worker reads at its next heartbeat
    /// and cancels the run; an ended run is left as it is. Signalling a worker process is the
    /// caller's.
    ///
    /// - Parameters:
    ///   - requester: who asks, for the event's message (`cli`, `web`).
    ///   - reason: why, for the event's message, if the requester gives a reason.
    /// - Returns: the run after the request and whether it was canceled before it ran; `nil`
    ///   when no run has this id.
    public func requestTermination(of id: RunID, by requester: String, reason: String? = nil) async throws
        -> (run: Run, canceledBeforeRunning: Bool)?
    {
        let cancel = Event(
            .runCanceled, runID: id, level: .warning, message: reason ?? "Canceled by \(requester) before it ran.")
        guard try await run(id) != nil else { return nil }
        if try await transition(cancel, from: [.queued, .notStarted]) != nil {
            return try await run(id).map { ($0, true) }
        }
        let canceling = Event(
            .runCanceling, runID: id, level: .warning,
            message: reason.map { "\($0) Termination requested by \(requester)." }
                ?? "Termination requested by \(requester).")
        _ = try await transition(canceling, from: [.starting, .started])
        return try await run(id).map { ($0, false) }
    }
}
