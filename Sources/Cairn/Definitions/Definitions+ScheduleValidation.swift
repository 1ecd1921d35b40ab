extension Definitions {
    /// Duplicate schedule names, bad cron expressions and time zones, selections that do not
    /// parse, and unknown jobs.
    static func problems(of schedules: [Schedule], jobs: [Job]) -> [DefinitionsError.Problem] {
        var problems: [DefinitionsError.Problem] = []
        var firstLocation: [String: SourceLocation] = [:]
        let jobNames = jobs.map(\.name)
        for schedule in schedules {
            if let first = firstLocation[schedule.name] {
                problems.append(
                    .init(
                        location: schedule.location,
                        message: "schedule '\(schedule.name)' is defined twice (first at \(first))"))
            }
            firstLocation[schedule.name] = firstLocation[schedule.name] ?? schedule.location
            do {
                _ = try schedule.cronSchedule()
            } catch {
                problems.append(.init(location: schedule.location, message: error.description))
            }
            switch schedule.target {
            case .selection(let text):
                do {
                    _ = try AssetSelection.parse(text)
                } catch {
                    problems.append(
                        .init(location: schedule.location, message: "schedule '\(schedule.name)': \(error)"))
                }
            case .job(let name) where !jobNames.contains(name):
                let hint = NearestName.hint(for: name, among: jobNames)
                problems.append(
                    .init(
                        location: schedule.location,
                        message: "schedule '\(schedule.name)' targets job '\(name)', which is not defined\(hint)"))
            case .job:
                break
            }
        }
        return problems
    }

    /// Schedule selections that name assets the graph does not have.
    static func selectionProblems(of schedules: [Schedule], in graph: AssetGraph) -> [DefinitionsError.Problem] {
        schedules.compactMap { schedule in
            guard case .selection(let text) = schedule.target, let selection = try? AssetSelection.parse(text) else {
                return nil
            }
            do {
                _ = try selection.resolve(in: graph)
                return nil
            } catch {
                return .init(location: schedule.location, message: "schedule '\(schedule.name)': \(error)")
            }
        }
    }
}
