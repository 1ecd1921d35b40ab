import Foundation

extension Definitions {
    /// Automation conditions with a bad cron expression or an unknown time zone, and conditions on
    /// source assets, which Cairn never materializes.
    static func automationProblems(of definitions: [AssetsDefinition]) -> [DefinitionsError.Problem] {
        var problems: [DefinitionsError.Problem] = []
        for definition in definitions {
            for spec in definition.specs {
                guard let condition = spec.automationCondition else { continue }
                if definition.isSource {
                    problems.append(
                        .init(
                            location: definition.location,
                            message: "source asset '\(spec.key)' has an automation condition, but Cairn never "
                                + "materializes source assets; put the condition on the assets that depend on it"))
                }
                var seen: Set<String> = []
                for (cron, timeZone) in condition.cronSchedules where seen.insert("\(cron)@\(timeZone)").inserted {
                    do {
                        _ = try AutomationCondition.cronSchedule(cron, timeZone: timeZone)
                    } catch {
                        problems.append(
                            .init(
                                location: definition.location,
                                message: "the automation condition of asset '\(spec.key)': \(error)"))
                    }
                }
            }
        }
        return problems
    }
}

extension AutomationCondition {
    /// The cron schedule of a `cronTickPassed` condition.
    ///
    /// - Throws: `AutomationConditionError` saying what is wrong with the cron or the time zone.
    public static func cronSchedule(_ cron: String, timeZone: String) throws(AutomationConditionError)
        -> CronSchedule
    {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw .unknownTimeZone(timeZone)
        }
        do {
            return try CronSchedule(cron, timeZone: zone)
        } catch {
            throw .invalidCron(cron, error)
        }
    }
}
