import Cairn

/// What the `schedule` and `sensor` commands share: finding a definition by name and saying
/// whether starting or stopping it changed anything.
enum SchedulesAndSensors {
    /// The schedule called `name`, or an exit naming the nearest one.
    static func schedule(named name: String) throws -> Schedule {
        let schedules = CodeLocation.definitions.schedules
        guard let schedule = schedules.first(where: { $0.name == name }) else {
            throw fail(OperationError.unknownSchedule(name, known: schedules.map(\.name)).description)
        }
        return schedule
    }

    /// The sensor called `name`, or an exit naming the nearest one.
    static func sensor(named name: String) throws -> Sensor {
        let sensors = CodeLocation.definitions.sensors
        guard let sensor = sensors.first(where: { $0.name == name }) else {
            throw fail(OperationError.unknownSensor(name, known: sensors.map(\.name)).description)
        }
        return sensor
    }

    /// Says what starting (`running`) or stopping the schedule or sensor `name` did.
    static func report(changed: Bool, running: Bool, noun: String, name: String) {
        guard changed else {
            print("\(noun.capitalized) '\(name)' is already \(running ? "running" : "stopped").")
            return
        }
        print("\(running ? "Started" : "Stopped") \(noun) '\(name)'.")
    }
}
