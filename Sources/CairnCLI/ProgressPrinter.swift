import Cairn
import Foundation

/// Prints a run's progress, one line per step event, as the events are stored.
struct ProgressPrinter: Sendable {
    /// Prints the line for an event, if it deserves one.
    func show(_ record: EventRecord) {
        let event = record.event
        let step = event.stepKey ?? ""
        switch event.type {
        case .runStart:
            say(
                "Run \(event.runID) started: \(event.message.replacingOccurrences(of: "Started execution of run: ", with: ""))"
            )
        case .runFailure where !event.message.hasPrefix("Execution of run failed: steps failed"):
            say("  ✗ \(event.message)")
        case .stepStart:
            say("  ▸ \(step) started")
        case .assetMaterialization:
            let numbers = event.metadata.filter { $0.value.numericValue != nil }.map { "\($0.label)=\($0.value)" }
            let details = numbers.isEmpty ? "" : " (\(numbers.joined(separator: ", ")))"
            let partition = event.partition.map { " partition \($0)" } ?? ""
            say("  ◆ \(event.assetKey?.description ?? step)\(partition) materialized\(details)")
        case .stepSuccess:
            say("  ✓ \(step) succeeded in \(duration(of: event))")
        case .stepFailure:
            say("  ✗ \(step) failed after \(duration(of: event)): \(event.error?.message ?? event.message)")
        case .assetObservation:
            let version = event.dataVersion.map { " at data version \($0)" } ?? ""
            say("  ◉ \(event.assetKey?.description ?? step) observed\(version)")
        case .assetCheckEvaluation:
            let partition = event.partition.map { " [partition \($0)]" } ?? ""
            say("  \(event.checkEvaluation?.passed == true ? "☑" : "☒") \(event.message)\(partition)")
        case .stepUpForRetry:
            say("  ↻ \(step) \(event.message.components(separatedBy: " failed and ").last ?? "")")
        case .engineEvent where event.metadata["pool"] != nil:
            say("  ⏸ \(step) waiting\(event.message.components(separatedBy: " waiting").last ?? "")")
        case .engineEvent where event.level >= .warning && event.stepKey == nil:
            say("  ⚠ \(event.message)")
        case .stepSkipped:
            say("  – \(step) skipped: \(event.message.components(separatedBy: ": ").last ?? "")")
        case .logs where event.level >= .info:
            say("    [\(event.level.rawValue.lowercased())] \(step): \(event.message)")
        case .logsCaptured:
            // What external processes write, as they would have written it to the terminal.
            for line in event.message.split(separator: "\n", omittingEmptySubsequences: false).dropLast(
                event.message.hasSuffix("\n") ? 1 : 0)
            {
                say("    │ \(line)")
            }
        default:
            return
        }
        fflush(nil)
    }

    /// The closing line: status, duration and counts.
    func summary(of result: RunResult) -> String {
        "Run \(result.runID) \(result.status.rawValue) in \(Formatting.duration(result.duration)): "
            + "\(result.succeededSteps.count) succeeded, \(result.failedSteps.count) failed, "
            + "\(result.skippedSteps.count) skipped"
    }

    private func duration(of event: Event) -> String {
        guard case .float(let milliseconds) = event.metadata["duration_ms"] else { return "?" }
        return Formatting.duration(seconds: milliseconds / 1000)
    }

    /// Prints a line of progress with the control characters of messages and keys made visible.
    private func say(_ line: String) {
        print(Formatting.terminalSafe(line, keepingLineBreaks: true))
    }
}
