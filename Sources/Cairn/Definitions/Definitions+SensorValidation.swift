extension Definitions {
    /// Duplicate sensor names, schedule names that take the sensors' storage prefix, selections
    /// that do not parse, and unknown jobs.
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
            switch sensor.target {
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

    /// Sensor selections that name assets the graph does not have.
    static func selectionProblems(of sensors: [Sensor], in graph: AssetGraph) -> [DefinitionsError.Problem] {
        sensors.compactMap { sensor in
            guard case .selection(let text) = sensor.target, let selection = try? AssetSelection.parse(text) else {
                return nil
            }
            do {
                _ = try selection.resolve(in: graph)
                return nil
            } catch {
                return .init(location: sensor.location, message: "sensor '\(sensor.name)': \(error)")
            }
        }
    }
}
