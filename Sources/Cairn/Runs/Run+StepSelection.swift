import Foundation

extension Run {
    /// The tag naming the only steps a queued run executes, as a JSON array of step keys
    /// (`["orders", "orders:not_empty"]`): how a re-execution from failure waits in the run queue.
    public static let stepSelectionTag = "cairn/step_selection"

    /// The value of `stepSelectionTag` for these step keys.
    public static func stepSelection(_ stepKeys: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(stepKeys.sorted()), as: UTF8.self)
    }

    /// The step keys of the run's `stepSelectionTag`, or `nil` when it has none: all steps run.
    ///
    /// - Throws: `ReexecutionError.badStepSelection` when the tag is not a JSON array of strings.
    public func stepSelection() throws(ReexecutionError) -> Set<String>? {
        guard let text = tags[Self.stepSelectionTag] else { return nil }
        guard let keys = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) else {
            throw ReexecutionError.badStepSelection(id, text)
        }
        return Set(keys)
    }
}
