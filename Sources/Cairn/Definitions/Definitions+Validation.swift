extension Definitions {
    /// Duplicate job names and the problems of each job's graph of ops.
    static func problems(of jobs: [Job]) -> [DefinitionsError.Problem] {
        var problems: [DefinitionsError.Problem] = []
        var firstLocation: [String: SourceLocation] = [:]
        for job in jobs {
            if let first = firstLocation[job.name] {
                problems.append(
                    .init(location: job.location, message: "job '\(job.name)' is defined twice (first at \(first))"))
            }
            firstLocation[job.name] = job.location
            do {
                _ = try job.graph()
            } catch {
                problems += error.problems
            }
        }
        return problems
    }

    /// Resources that assets, checks and ops need but the resource set lacks, in any environment.
    static func resourceProblems(
        _ assets: [AssetsDefinition], _ checks: [AssetCheck], _ jobs: [Job], _ resources: ResourceSet
    ) -> [DefinitionsError.Problem] {
        let requirements =
            assets.map { ResourceRequirement.asset($0.name, location: $0.location, keys: $0.resourceKeys) }
            + checks.map { ResourceRequirement("check '\($0.key)'", location: $0.location, keys: $0.resourceKeys) }
            + jobs.flatMap { job in
                job.ops.map {
                    ResourceRequirement(
                        "op '\($0.name)' of job '\(job.name)'", location: $0.location, keys: $0.resourceKeys)
                }
            }
        return resources.problems(for: requirements.filter { !$0.keys.isEmpty })
    }
}
