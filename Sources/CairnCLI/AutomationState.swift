import Cairn
import Foundation

/// What the `schedule` and `sensor` commands share: finding a definition by name and storing
/// whether it runs.
enum AutomationState {
    /// The element of `all` called `name`, or an exit listing the names there are.
    static func named<Element>(_ name: String, in all: [Element], noun: String, name nameOf: (Element) -> String)
        throws -> Element
    {
        guard let found = all.first(where: { nameOf($0) == name }) else {
            let known = all.isEmpty ? "none" : all.map(nameOf).joined(separator: ", ")
            throw fail("there is no \(noun) '\(name)'; the code location's \(noun)s: \(known)")
        }
        return found
    }

    /// Starts or stops the schedule or sensor stored as `storageName`, keeping its cursor, and
    /// says so; `restartsTicks` makes a started schedule's next tick the first after now.
    static func set(
        _ status: ScheduleStatus, noun: String, name: String, storageName: String, defaultStatus: ScheduleStatus,
        restartsTicks: Bool, options: HomeOptions
    ) async throws {
        let changed = try await options.openStorage().setStatus(
            status, of: storageName, default: defaultStatus, restartingTicksAt: restartsTicks ? Date() : nil)
        guard changed else {
            print("\(noun.capitalized) '\(name)' is already \(status == .running ? "running" : "stopped").")
            return
        }
        print("\(status == .running ? "Started" : "Stopped") \(noun) '\(name)'.")
    }
}
