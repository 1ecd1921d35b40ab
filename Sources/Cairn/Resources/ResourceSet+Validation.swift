extension ResourceSet {
    /// Everything wrong with the resources given what the definitions require, found before any
    /// run: resources required but not bound or bound to another type, dependencies on unbound
    /// resources, dependency cycles, names bound twice and invalid names — for the defaults and,
    /// prefixed with the environment's name, for every environment.
    ///
    /// Problems of the defaults that an environment inherits are reported once.
    public func problems(for requirements: [ResourceRequirement]) -> [DefinitionsError.Problem] {
        var problems = Self.listProblems(defaults)
        problems += Self.problems(of: Self.unique(defaults), requirements: requirements)
        let inherited = Set(problems)
        for name in environmentNames {
            let overrides = environments[name] ?? []
            var found = Self.listProblems(overrides)
            found += Self.problems(
                of: Self.bindings(defaults: defaults, overrides: overrides), requirements: requirements)
            for problem in found where !inherited.contains(problem) {
                problems.append(
                    .init(location: problem.location, message: "in resource environment '\(name)': \(problem.message)"))
            }
        }
        return problems
    }

    /// Names bound twice in one list and invalid names.
    private static func listProblems(_ bindings: [ResourceBinding]) -> [DefinitionsError.Problem] {
        var problems: [DefinitionsError.Problem] = []
        var first: [String: SourceLocation] = [:]
        for binding in bindings {
            let name = binding.key.name
            if let previous = first[name] {
                problems.append(
                    .init(
                        location: binding.location,
                        message: "resource '\(name)' is bound twice (first at \(previous)); remove one of the bindings")
                )
                continue
            }
            first[name] = binding.location
            if !AnyResourceKey.isValidName(name) {
                problems.append(
                    .init(
                        location: binding.location,
                        message: "resource name '\(name)' is invalid; use a letter or '_' followed by letters, "
                            + "digits and '_'"))
            }
        }
        return problems
    }

    /// Unbound or mistyped requirements and dependencies, and cycles, among bindings with unique names.
    private static func problems(of bindings: [ResourceBinding], requirements: [ResourceRequirement])
        -> [DefinitionsError.Problem]
    {
        var problems: [DefinitionsError.Problem] = []
        var byName: [String: ResourceBinding] = [:]
        for binding in bindings { byName[binding.key.name] = binding }
        let names = bindings.map(\.key.name)

        func check(_ key: AnyResourceKey, by user: String, at location: SourceLocation) {
            guard let bound = byName[key.name] else {
                problems.append(
                    .init(
                        location: location,
                        message: "\(user) requires resource '\(key.name)', which is not bound"
                            + "\(NearestName.hint(for: key.name, among: names)) (bind a \(key.typeName) to it: "
                            + "ResourceKey<\(key.typeName)>(\"\(key.name)\").bind(...), in the definitions' resources)")
                )
                return
            }
            guard bound.key.typeID == key.typeID else {
                problems.append(
                    .init(
                        location: location,
                        message: "\(user) requires resource '\(key.name)' as a \(key.typeName), but it is bound to "
                            + "a \(bound.key.typeName) at \(bound.location) (bind a \(key.typeName) to '\(key.name)', "
                            + "or require a ResourceKey<\(bound.key.typeName)>)"))
                return
            }
        }

        for requirement in requirements {
            var seen: Set<String> = []
            for key in requirement.keys where seen.insert(key.name).inserted {
                check(key, by: requirement.user, at: requirement.location)
            }
        }
        for binding in bindings {
            for key in binding.dependencies {
                check(key, by: "resource '\(binding.key.name)'", at: binding.location)
            }
        }
        for cycle in cycles(in: bindings, byName: byName) {
            let path = cycle.map { "'\($0.key.name)'" }.joined(separator: " → ")
            problems.append(
                .init(
                    location: cycle[0].location,
                    message: "resources depend on each other in a cycle: \(path); remove one of these dependencies"))
        }
        return problems
    }

    /// Each dependency cycle once, starting at its binding listed first, that binding repeated at the end.
    private static func cycles(in bindings: [ResourceBinding], byName: [String: ResourceBinding])
        -> [[ResourceBinding]]
    {
        let position = Dictionary(uniqueKeysWithValues: bindings.enumerated().map { ($1.key.name, $0) })
        var cycles: [[ResourceBinding]] = []
        var seenCycles: Set<[String]> = []
        var done: Set<String> = []
        var path: [ResourceBinding] = []

        func visit(_ binding: ResourceBinding) {
            let name = binding.key.name
            if done.contains(name) { return }
            if let start = path.firstIndex(where: { $0.key.name == name }) {
                var cycle = Array(path[start...])
                let first = cycle.indices.min { position[cycle[$0].key.name]! < position[cycle[$1].key.name]! }!
                cycle = Array(cycle[first...] + cycle[..<first])
                if seenCycles.insert(cycle.map(\.key.name)).inserted { cycles.append(cycle + [cycle[0]]) }
                return
            }
            path.append(binding)
            for dependency in binding.dependencies {
                if let next = byName[dependency.name], next.key.typeID == dependency.typeID { visit(next) }
            }
            path.removeLast()
            done.insert(name)
        }

        for binding in bindings { visit(binding) }
        return cycles
    }
}
