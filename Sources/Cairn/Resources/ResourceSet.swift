import Foundation

/// The resources of a code location: default bindings, and per-environment overrides selected by
/// the `CAIRN_ENV` environment variable.
///
/// ```swift
/// let resources = ResourceSet(
///     [database.bind(OperationalDatabase()), api.bind(APIClient(token: EnvVar("API_TOKEN", secret: true)))],
///     environments: ["prod": [database.bind(OperationalDatabase(path: EnvVar("PROD_DB")))]])
/// ```
///
/// With `CAIRN_ENV=prod`, `database` is the production one and `api` the default; without
/// `CAIRN_ENV`, the defaults are used.
public struct ResourceSet: Sendable, ExpressibleByArrayLiteral {
    /// The environment variable that selects a resource environment: `CAIRN_ENV`.
    public static let environmentVariable = "CAIRN_ENV"

    /// Which bindings are in effect.
    enum Selection: Hashable, Sendable {
        /// Not resolved yet: `ResourceScope.open` selects the environment named by `CAIRN_ENV`.
        case unresolved
        /// The defaults, without any environment's overrides.
        case defaults
        /// The defaults overridden by the named environment's bindings.
        case environment(String)
    }

    /// The bindings used when no environment is selected, in the order given.
    public let defaults: [ResourceBinding]
    /// The bindings each named environment adds or replaces (by name) in the defaults.
    public let environments: [String: [ResourceBinding]]
    /// Which bindings are in effect.
    let selection: Selection

    /// Creates a set from default bindings and per-environment overrides.
    public init(_ bindings: [ResourceBinding] = [], environments: [String: [ResourceBinding]] = [:]) {
        self.init(defaults: bindings, environments: environments, selection: .unresolved)
    }

    /// Creates an empty set: no resources.
    public init() {
        self.init(defaults: [], environments: [:], selection: .unresolved)
    }

    /// Creates a set of default bindings: `resources: [database.bind(OperationalDatabase())]`.
    public init(arrayLiteral bindings: ResourceBinding...) {
        self.init(bindings)
    }

    private init(defaults: [ResourceBinding], environments: [String: [ResourceBinding]], selection: Selection) {
        self.defaults = defaults
        self.environments = environments
        self.selection = selection
    }

    /// The names of the environments, sorted.
    public var environmentNames: [String] { environments.keys.sorted() }

    /// The environment whose overrides are in effect; `nil` for the defaults or before resolution.
    public var selectedEnvironment: String? {
        if case .environment(let name) = selection { return name }
        return nil
    }

    /// The bindings in effect: the defaults, with the selected environment's bindings replacing
    /// those of the same name and adding new ones. One binding per name (the first one given).
    public var bindings: [ResourceBinding] {
        guard case .environment(let name) = selection else { return Self.unique(defaults) }
        return Self.bindings(defaults: defaults, overrides: environments[name] ?? [])
    }

    /// The binding in effect for a name.
    public func binding(named name: String) -> ResourceBinding? {
        bindings.first { $0.key.name == name }
    }

    /// The set with the named environment's overrides in effect; `nil` or empty selects the defaults.
    ///
    /// - Throws: `ResourceError.unknownEnvironment` when there is no environment of that name.
    public func resolved(environment name: String?) throws(ResourceError) -> ResourceSet {
        guard let name, !name.isEmpty else {
            return ResourceSet(defaults: defaults, environments: environments, selection: .defaults)
        }
        guard environments[name] != nil else { throw .unknownEnvironment(name: name, known: environmentNames) }
        return ResourceSet(defaults: defaults, environments: environments, selection: .environment(name))
    }

    /// The set with the environment named by `CAIRN_ENV` in `processEnvironment` in effect.
    ///
    /// - Throws: `ResourceError.unknownEnvironment` when `CAIRN_ENV` names no environment.
    public func resolved(from processEnvironment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ResourceError) -> ResourceSet
    {
        try resolved(environment: processEnvironment[Self.environmentVariable])
    }

    /// The bindings to set up for `keys`, dependencies first, each once.
    ///
    /// - Throws: `ResourceError.notBound`, `.wrongType` or `.dependencyCycle`.
    func setUpOrder(for keys: [AnyResourceKey]) throws(ResourceError) -> [ResourceBinding] {
        let effective = bindings
        var byName: [String: ResourceBinding] = [:]
        for binding in effective { byName[binding.key.name] = binding }
        var order: [ResourceBinding] = []
        var done: Set<String> = []
        var path: [AnyResourceKey] = []

        func visit(_ key: AnyResourceKey, requiredBy: String) throws(ResourceError) {
            guard let binding = byName[key.name] else {
                throw .notBound(key, requiredBy: requiredBy, bound: effective.map(\.key.name))
            }
            guard binding.key.typeID == key.typeID else {
                throw .wrongType(key, bound: binding.key, requiredBy: requiredBy)
            }
            if done.contains(key.name) { return }
            if let start = path.firstIndex(where: { $0.name == key.name }) {
                throw .dependencyCycle(Array(path[start...]) + [binding.key])
            }
            path.append(binding.key)
            for dependency in binding.dependencies {
                try visit(dependency, requiredBy: "resource \(binding.key)")
            }
            path.removeLast()
            done.insert(key.name)
            order.append(binding)
        }

        for key in keys { try visit(key, requiredBy: "the run") }
        return order
    }

    /// The environment variables without defaults that the resources for `keys` (and their
    /// dependencies) read and `environment` does not set, keys first, then their dependencies.
    ///
    /// Unbound keys are skipped; `ResourceScope.open` reports them.
    public func missingEnvironmentVariables(
        for keys: [AnyResourceKey], in environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> [MissingEnvironmentVariable] {
        var byName: [String: ResourceBinding] = [:]
        for binding in bindings where byName[binding.key.name] == nil { byName[binding.key.name] = binding }
        var pending = keys.map(\.name)
        var visited: Set<String> = []
        var missing: [MissingEnvironmentVariable] = []
        while let name = pending.first {
            pending.removeFirst()
            guard visited.insert(name).inserted, let binding = byName[name] else { continue }
            for variable in binding.environmentVariables where variable.isRequired && environment[variable.name] == nil
            {
                missing.append(MissingEnvironmentVariable(name: variable.name, resource: binding.key))
            }
            pending += binding.dependencies.map(\.name)
        }
        return missing
    }

    /// The first binding of each name, in order.
    static func unique(_ bindings: [ResourceBinding]) -> [ResourceBinding] {
        var seen: Set<String> = []
        return bindings.filter { seen.insert($0.key.name).inserted }
    }

    /// The defaults with `overrides` replacing those of the same name, in place, and new ones appended.
    static func bindings(defaults: [ResourceBinding], overrides: [ResourceBinding]) -> [ResourceBinding] {
        let overrides = unique(overrides)
        var replacement: [String: ResourceBinding] = [:]
        for binding in overrides { replacement[binding.key.name] = binding }
        var result = unique(defaults).map { replacement[$0.key.name] ?? $0 }
        let present = Set(result.map(\.key.name))
        result += overrides.filter { !present.contains($0.key.name) }
        return result
    }
}
