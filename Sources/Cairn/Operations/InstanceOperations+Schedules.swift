extension InstanceOperations {
    /// Starts or stops a schedule, keeping its cursor; a started schedule's next tick is the first after now.
    ///
    /// - Returns: whether its status changed.
    /// - Throws: `OperationError.unknownSchedule`.
    @discardableResult
    public func setSchedule(_ name: String, running: Bool) async throws -> Bool {
        let schedule = try definitions.schedule(named: name)
        return try await storage.setStatus(
            running ? .running : .stopped, of: schedule.name, default: schedule.defaultStatus,
            restartingTicksAt: now())
    }

    /// Starts or stops a sensor, keeping its cursor.
    ///
    /// - Returns: whether its status changed.
    /// - Throws: `OperationError.unknownSensor`.
    @discardableResult
    public func setSensor(_ name: String, running: Bool) async throws -> Bool {
        let sensor = try definitions.sensor(named: name)
        return try await storage.setStatus(
            running ? .running : .stopped, of: sensor.storageName, default: sensor.defaultStatus,
            restartingTicksAt: nil)
    }
}
