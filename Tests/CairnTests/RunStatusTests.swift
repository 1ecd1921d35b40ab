import Cairn
import Foundation
import Testing

@Suite struct RunStatusTests {
    private func status(after types: [EventType], from initial: RunStatus = .notStarted) -> RunStatus {
        var run = Run(assetKeys: [], status: initial)
        for type in types { run = run.applying(Event(type, runID: run.id)) }
        return run.status
    }

    @Test func runsMoveForwardOnly() {
        #expect(status(after: [.runEnqueued, .runStarting, .runStart]) == .started)
        #expect(status(after: [.runStart, .runStarting, .runEnqueued]) == .started, "late events do not move it back")
        #expect(status(after: [.runStart, .runCanceling, .runStart]) == .canceling)
        #expect(status(after: [.runCanceling, .runCanceled]) == .canceled)
        #expect(status(after: [.runCanceled], from: .queued) == .canceled)
        #expect(status(after: [.runSuccess, .runFailure]) == .success, "an ended run keeps its status")
    }
}
