import Cairn

/// Why an external process failed its step. Never a silent success: a non-zero exit, an
/// exception in `closed` (even when the process exits 0) and a report that breaks the protocol
/// all fail the step.
public enum ExternalProcessError: Error, StructuredError, CustomStringConvertible, Sendable {
    /// The process exited with a non-zero status or was killed by a signal.
    case processFailed(command: String, exit: String, stderr: [String], exception: PipesException?)
    /// The process reported an exception when it closed its Pipes session, but exited 0.
    case exceptionReported(command: String, exception: PipesException)
    /// The process reported what its step does not produce, or an asset twice.
    case protocolViolation(command: String, problems: [String])

    /// What failed, the exception or the last lines of stderr, and what to do.
    public var description: String {
        switch self {
        case .processFailed(let command, let exit, let stderr, let exception):
            var text = "external process `\(command)` \(exit)"
            if let exception {
                text += ": \(exception)"
            } else if !stderr.isEmpty {
                text += "; the last lines of its stderr:\n" + stderr.joined(separator: "\n")
            }
            return text
        case .exceptionReported(let command, let exception):
            return "external process `\(command)` exited 0 but reported an exception when it closed its Pipes "
                + "session: \(exception)"
        case .protocolViolation(let command, let problems):
            return "external process `\(command)` broke the Pipes protocol: " + problems.joined(separator: "; ")
        }
    }

    /// The error as the event log stores it: the Python exception's class and traceback when
    /// the process reported one.
    public var errorInfo: ErrorInfo {
        switch self {
        case .processFailed(_, _, _, let exception?), .exceptionReported(_, let exception):
            ErrorInfo(
                type: exception.name ?? "Cairn.ExternalProcessError", message: description, stack: exception.traceback)
        case .processFailed(_, _, let stderr, nil):
            ErrorInfo(type: "Cairn.ExternalProcessError", message: description, stack: stderr)
        case .protocolViolation:
            ErrorInfo(type: "Cairn.ExternalProcessError", message: description)
        }
    }
}
