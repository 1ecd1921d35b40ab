extension RunConfig {
    /// The typed config of every step of `plan` that takes some.
    ///
    /// - Throws: `ConfigError` with every problem of every step.
    func validated(for plan: ExecutionPlan, in graph: AssetGraph) throws(ConfigError)
        -> [String: any Sendable]
    {
        try validate(
            against: Dictionary(
                uniqueKeysWithValues: plan.steps.compactMap { step in
                    guard case .assets(let definition) = step.kind,
                        let schema = graph.definitions[definition].configSchema
                    else { return nil }
                    return (step.key, schema)
                }),
            steps: Set(plan.steps.map(\.key)))
    }
}
