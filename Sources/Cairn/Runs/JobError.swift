/// Why a job cannot be run.
public enum JobError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No job has this name; `known` are the names there are.
    case unknownJob(String, known: [String])

    /// What went wrong and what to do instead.
    public var description: String {
        switch self {
        case .unknownJob(let name, let known):
            if let suggestion = NearestName.suggestion(for: name, among: known) {
                "there is no job named '\(name)'; did you mean '\(suggestion)'?"
            } else if known.isEmpty {
                "there is no job named '\(name)'; this code location defines no jobs"
            } else {
                "there is no job named '\(name)'; the jobs are \(known.sorted().joined(separator: ", "))"
            }
        }
    }
}
