extension Definitions {
    /// Duplicate sensor names, schedule names that take the sensors' storage prefix, selections
    /// that do not parse, unknown jobs, and run-status sensors monitoring what cannot be.
    static func problems(of sensors: [Sensor], schedules: [Schedule], jobs: [Job]) -> [DefinitionsError.Problem] {
        var problems: [DefinitionsError.Problem] = []
        for schedule in schedules where schedule.name.hasPrefix(Sensor.storagePrefix) {
            problems.append(
                .init(
                    location: schedule.location,
                    message: "schedule '\(schedule.name)' starts with '\(Sensor.storagePrefix)', "
                        + "which names sensors in storage; rename the schedule"))
        }
        var firstLocation: [String: SourceLocation] = [:]
        let jobNames = jobs.map(\.name)
        for sensor in sensors {
            if let first = firstLocation[sensor.name] {
                problems.append(
                    .init(
                        location: sensor.location,
                        message: "sensor '\(sensor.name)' is defined twice (first at \(first))"))
            }
            firstLocation[sensor.name] = firstLocation[sensor.name] ?? sensor.location
            problems += monitorProblems(of: sensor, jobNames: jobNames)
            switch sensor.target {
            case nil:
                break
            case .selection(let text):
                do {
                    _ = try AssetSelection.parse(text)
                } catch {
                    problems.append(.init(location: sensor.location, message: "sensor '\(sensor.name)': \(error)"))
                }
            case .job(let name) where !jobNames.contains(name):
                let hint = NearestName.hint(for: name, among: jobNames)
                problems.append(
                    .init(
                        location: sensor.location,
                        message: "sensor '\(sensor.name)' targets job '\(name)', which is not defined\(hint)"))
            case .job:
                break
            }
        }
        return problems
    }

    /// A run-status sensor's status that ends no run, and monitored jobs that are not defined.
    private static func monitorProblems(of sensor: Sensor, jobNames: [String]) -> [DefinitionsError.Problem] {
        guard let monitor = sensor.monitor else { return [] }
        var problems: [DefinitionsError.Problem] = []
        if monitor.eventType == nil {
            problems.append(
                .init(
                    location: sensor.location,
                    message: "sensor '\(sensor.name)' monitors runs ending \(monitor.status.rawValue), but runs end "
                        + "only SUCCESS, FAILURE or CANCELED; use .success, .failure or .canceled"))
        }
        for job in monitor.jobs where !jobNames.contains(job) && job != Run.assetJobName {
            let hint = NearestName.hint(for: job, among: jobNames)
            problems.append(
                .init(
                    location: sensor.location,
                    message: "sensor '\(sensor.name)' monitors job '\(job)', which is not defined\(hint)"))
        }
        return problems
    }

    /// Sensor selections and monitored assets that name assets the graph does not have.
    static func selectionProblems(of sensors: [Sensor], in graph: AssetGraph) -> [DefinitionsError.Problem] {
        sensors.flatMap { sensor in
            var problems: [DefinitionsError.Problem] = []
            if case .selection(let text) = sensor.target, let selection = try? AssetSelection.parse(text) {
                do {
                    _ = try selection.resolve(in: graph)
                } catch {
                    problems.append(.init(location: sensor.location, message: "sensor '\(sensor.name)': \(error)"))
                }
            }
            for key in sensor.monitor?.assets ?? [] where graph.index(of: key) == nil {
                let hint = NearestName.hint(for: key.description, among: graph.keys.map(\.description))
                problems.append(
                    .init(
                        location: sensor.location,
                        message: "sensor '\(sensor.name)' monitors asset \(key), which is not defined\(hint)"))
            }
            return problems
        }
    }
}
