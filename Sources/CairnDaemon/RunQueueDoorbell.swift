import Synchronization

/// Wakes the run queue as soon as a service of the same daemon has queued runs, so a run
/// requested by a schedule, sensor or automation condition starts without waiting for the queue's
/// next look. Runs queued by other processes are found at the queue's next look, as before.
///
/// ```swift
/// let doorbell = RunQueueDoorbell()
/// let coordinator = RunCoordinatorService(storage: storage, launcher: launcher, doorbell: doorbell)
/// let sensors = SensorService(definitions: definitions, storage: storage, doorbell: doorbell)
/// ```
public final class RunQueueDoorbell: Sendable {
    private struct State {
        /// Whether a ring came while nobody waited; the next wait then returns at once.
        var rung = false
        /// The waiter to wake, if one waits.
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    /// Creates a doorbell nobody has rung.
    public init() {}

    /// Wakes the waiting run queue, or the next one to wait.
    public func ring() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let waiter = state.waiter else {
                state.rung = true
                return nil
            }
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits until the doorbell rings (at once if it rang since the last wait), or `interval` has
    /// passed on `clock`, or the task is cancelled.
    func wait(atMost interval: Duration, clock: any Clock<Duration>) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await clock.sleep(for: interval) }
            group.addTask { await self.waitForRing() }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns once the doorbell rings or the task is cancelled.
    private func waitForRing() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.rung || Task.isCancelled {
                        state.rung = false
                        return true
                    }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            ring()
        }
    }
}
