extension Definitions {
    /// Assets and ops whose pool names are empty or contain whitespace.
    static func poolProblems(_ assets: [AssetsDefinition], _ jobs: [Job]) -> [DefinitionsError.Problem] {
        let named =
            assets.map { ("asset '\($0.keys.map(\.description).joined(separator: "', '"))'", $0) }
            + jobs.flatMap { job in job.ops.map { ("op '\($0.name)' of job '\(job.name)'", $0) } }
        return named.compactMap { what, definition in
            guard let pool = definition.pool, let problem = ConcurrencyPool.problem(withName: pool) else { return nil }
            return .init(location: definition.location, message: "\(what): \(problem)")
        }
    }
}
