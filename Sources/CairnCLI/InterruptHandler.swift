import Cairn
import CairnPipes
import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Ends a run cleanly when the user presses Ctrl-C or the process is asked to terminate: the run
/// is recorded as CANCELED instead of being left STARTED, then the process exits.
///
/// Steps in flight are abandoned; their values already stored stay, and `reexecute --from-failure`
/// resumes the run. External processes of the steps (Pipes, commands) are interrupted with
/// SIGINT and killed after `externalProcessGrace`, so that none outlives the run.
final class InterruptHandler {
    /// The run being executed, as the first of its events shows; read by the signal handlers.
    final class CurrentRun: Sendable {
        fileprivate let id = Mutex<RunID?>(nil)
        /// Whether a signal arrived: its handler is ending the run and will exit the process.
        fileprivate let signalled = Mutex(false)

        /// Remembers the run an event belongs to.
        func observe(_ record: EventRecord) {
            id.withLock { $0 = record.event.runID }
        }
    }

    /// The run to cancel on a signal.
    let currentRun = CurrentRun()

    /// How long external processes have to exit after SIGINT before they are killed.
    static let externalProcessGrace = Duration.seconds(10)
    private let sources: [any DispatchSourceSignal]

    /// Installs handlers for SIGINT and SIGTERM that cancel the run seen by `currentRun`.
    init(storage: any EventLogStorage) {
        let current = currentRun
        sources = [SIGINT, SIGTERM].map { signalNumber in
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                current.signalled.withLock { $0 = true }
                let name = signalNumber == SIGINT ? "interrupted (Ctrl-C)" : "terminated (SIGTERM)"
                guard let id = current.id.withLock({ $0 }) else {
                    RunningProcessGroups.shared.interruptAll(grace: Self.externalProcessGrace)
                    exit(128 + signalNumber)
                }
                Task {
                    _ = try? await storage.append([
                        Event(
                            .runCanceled, runID: id, level: .warning,
                            message: "The run was \(name); steps in flight were abandoned. "
                                + "Resume it with 'reexecute \(id.short) --from-failure'.")
                    ])
                    print("\nRun \(id) CANCELED: \(name). Resume it with 'reexecute \(id.short) --from-failure'.")
                    RunningProcessGroups.shared.interruptAll(grace: Self.externalProcessGrace)
                    exit(128 + signalNumber)
                }
            }
            source.resume()
            return source
        }
    }

    /// Waits forever when a signal arrived, for its handler to record the run's end and exit with
    /// the signal's status; returns at once otherwise. Call it when the run ended, before
    /// reporting how: a step that failed because its external process was interrupted must not
    /// make the process exit as if the run had failed by itself.
    func yieldToSignalHandler() async {
        while currentRun.signalled.withLock({ $0 }) {
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Removes the handlers once the run has ended.
    func uninstall() {
        for source in sources { source.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
