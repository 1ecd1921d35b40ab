import Cairn

/// What the `schedule` and `sensor` commands share: saying whether starting or stopping a
/// schedule or sensor changed anything.
enum SchedulesAndSensors {
    /// Says what starting (`running`) or stopping the schedule or sensor `name` did.
    static func report(changed: Bool, running: Bool, noun: String, name: String) {
        guard changed else {
            print("\(noun.capitalized) '\(name)' is already \(running ? "running" : "stopped").")
            return
        }
        print("\(running ? "Started" : "Stopped") \(noun) '\(name)'.")
    }
}
