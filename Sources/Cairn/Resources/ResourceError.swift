/// What went wrong with a run's resources: each message says what was wrong, with which resource,
/// and how to fix it.
public enum ResourceError: Error, Sendable, CustomStringConvertible {
    /// An environment variable without a default is not set.
    case missingEnvironmentVariable(name: String, resource: AnyResourceKey?)
    /// Environment variables the run's resources need are not set; found before any resource is set up.
    case missingEnvironmentVariables([MissingEnvironmentVariable])
    /// An environment variable's value could not be converted; `value` is `nil` for a secret.
    case invalidEnvironmentVariable(name: String, expected: String, value: String?, resource: AnyResourceKey?)
    /// The resource environment selected by `CAIRN_ENV` is not among the definitions' environments.
    case unknownEnvironment(name: String, known: [String])
    /// A resource is needed but nothing is bound to its name; `requiredBy` says by whom.
    case notBound(AnyResourceKey, requiredBy: String, bound: [String])
    /// A resource is needed as one type but bound to another.
    case wrongType(AnyResourceKey, bound: AnyResourceKey, requiredBy: String)
    /// Resources depend on each other in a cycle; the first key is repeated at the end.
    case dependencyCycle([AnyResourceKey])
    /// An asset (or a check, a sensor) used a resource it did not declare in its `resources:`.
    case notDeclared(AnyResourceKey, user: String, declared: [AnyResourceKey])
    /// A resource's `setUp` used a resource it did not list in its `dependencies`.
    case undeclaredDependency(AnyResourceKey, resource: AnyResourceKey, declared: [AnyResourceKey])
    /// A resource was asked of a scope that did not set it up.
    case notInScope(AnyResourceKey, available: [AnyResourceKey])
    /// A resource was used after its scope was closed and it was torn down.
    case scopeClosed(AnyResourceKey)
    /// A resource's `setUp` threw; the resources set up before it were torn down.
    case setUpFailed(AnyResourceKey, underlying: any Error)
    /// A resource's `tearDown` threw; the other resources were torn down all the same.
    case tearDownFailed(AnyResourceKey, underlying: any Error)

    /// What was wrong, with which resource, and how to fix it.
    public var description: String {
        switch self {
        case .missingEnvironmentVariable(let name, let resource):
            let user = resource.map { "resource \($0) needs" } ?? "a resource needs"
            return "Environment variable \(name) is not set, and \(user) it. "
                + "Set it in the environment of the process (export \(name)=...), "
                + "or give the EnvVar a default: EnvVar(\"\(name)\", default: ...)."
        case .missingEnvironmentVariables(let missing):
            return Self.describe(missing)
        case .invalidEnvironmentVariable(let name, let expected, let value, let resource):
            let shown = value.map { " ('\($0)')" } ?? ""
            let user = resource.map { " for resource \($0)" } ?? ""
            return "Environment variable \(name)\(shown) is not a valid \(expected)\(user). "
                + "Set it to a value of type \(expected)."
        case .unknownEnvironment(let name, let known):
            let variable = ResourceSet.environmentVariable
            guard !known.isEmpty else {
                return "\(variable) selects the resource environment '\(name)', but the definitions define no "
                    + "resource environments. Unset \(variable) to use the default resources, or add the environment "
                    + "to ResourceSet(_:environments:)."
            }
            return "\(variable) selects the resource environment '\(name)', but there is no such environment"
                + Self.endOfSentence(hint: NearestName.hint(for: name, among: known))
                + " Known environments: \(known.joined(separator: ", ")). "
                + "Set \(variable) to one of them, or unset it to use the default resources."
        case .notBound(let key, let requiredBy, let bound):
            return Self.capitalized(requiredBy) + " needs resource \(key), but no resource is bound to '\(key.name)'"
                + Self.endOfSentence(hint: NearestName.hint(for: key.name, among: bound))
                + " Bind one in the definitions' resources: ResourceKey<\(key.typeName)>(\"\(key.name)\").bind(...)."
        case .wrongType(let key, let bound, let requiredBy):
            return Self.capitalized(requiredBy) + " needs resource '\(key.name)' as a \(key.typeName), "
                + "but '\(bound.name)' is bound to a \(bound.typeName). "
                + "Bind a \(key.typeName) to '\(key.name)', or use a ResourceKey<\(bound.typeName)>."
        case .dependencyCycle(let cycle):
            return "Resources depend on each other in a cycle: "
                + cycle.map { "'\($0.name)'" }.joined(separator: " → ")
                + ". Remove one of these dependencies."
        case .notDeclared(let key, let user, let declared):
            return Self.capitalized(user)
                + " uses resource \(key) without declaring it (it declares \(Self.list(declared))). "
                + "Add the key to the `resources:` of \(user), so that Cairn sets the resource up for its runs."
        case .undeclaredDependency(let key, let resource, let declared):
            return "Resource \(resource) uses resource \(key) in setUp without declaring it "
                + "(it declares \(Self.list(declared))). Store the key in a property of \(resource.typeName), or "
                + "list it in its `dependencies`, so that Cairn sets it up first."
        case .notInScope(let key, let available):
            return "Resource \(key) was not set up for this run (it has \(Self.list(available))). "
                + "The assets that use it must declare it in their `resources:`, so that Cairn sets it up for the run."
        case .scopeClosed(let key):
            return "Resource \(key) was used after the run's resources were torn down; "
                + "use resources only while the run's resource scope is open."
        case .setUpFailed(let key, let underlying):
            return "Setting up resource \(key) failed: \(underlying). "
                + "The resources set up before it were torn down; fix the resource's configuration or setUp."
        case .tearDownFailed(let key, let underlying):
            return "Tearing down resource \(key) failed: \(underlying). "
                + "The other resources were torn down; check the resource's tearDown."
        }
    }

    /// `.` when there is no hint, else the hint (`; did you mean 'x'?`).
    private static func endOfSentence(hint: String) -> String {
        hint.isEmpty ? "." : hint
    }

    /// The text with its first letter in upper case: `asset 'x'` → `Asset 'x'`.
    private static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    /// `'a', 'b'`, or `none`.
    private static func list(_ keys: [AnyResourceKey]) -> String {
        keys.isEmpty ? "none" : keys.map { "'\($0.name)'" }.joined(separator: ", ")
    }

    /// One line per missing variable, with the resources that need it.
    private static func describe(_ missing: [MissingEnvironmentVariable]) -> String {
        guard let first = missing.first else { return "No environment variables are missing." }
        var names: [String] = []
        var users: [String: [String]] = [:]
        for entry in missing {
            if users[entry.name] == nil { names.append(entry.name) }
            users[entry.name, default: []].append("\(entry.resource)")
        }
        let heading =
            names.count == 1
            ? "An environment variable the run's resources need is not set:"
            : "\(names.count) environment variables the run's resources need are not set:"
        let lines = names.map { name in
            "  \(name), needed by resource \(users[name]!.joined(separator: ", "))"
        }
        let fix =
            "Set \(names.count == 1 ? "it" : "them") in the environment of the process "
            + "(export \(first.name)=...) before starting the run, or give the EnvVars defaults."
        return ([heading] + lines + [fix]).joined(separator: "\n")
    }
}

/// An environment variable that is not set, and the resource that needs it.
public struct MissingEnvironmentVariable: Sendable, Hashable, CustomStringConvertible {
    /// The variable's name.
    public let name: String
    /// The resource that reads it.
    public let resource: AnyResourceKey

    /// Creates an entry.
    public init(name: String, resource: AnyResourceKey) {
        self.name = name
        self.resource = resource
    }

    /// `POSTGRES_HOST (resource 'database' (Postgres))`.
    public var description: String { "\(name) (resource \(resource))" }
}
