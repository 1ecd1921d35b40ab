import Logging

/// What a resource's `setUp` gets: the instances of the resources it depends on, the environment
/// the run's resources read, and a logger.
///
/// ```swift
/// func setUp(_ context: ResourceContext) async throws -> Client {
///     let session = try context.instance(sessionKey)
///     return Client(session: session, token: try context.value(of: token))
/// }
/// ```
public struct ResourceContext: Sendable {
    /// The resource being set up.
    public let key: AnyResourceKey
    /// The environment variables of the run, read by `value(of:)`.
    public let environment: [String: String]
    /// A logger for the resource's set-up.
    public let log: Logger
    /// The instances of the resource's dependencies, by name.
    let dependencies: ResourceInstances

    /// The instance of a resource this one lists in its `dependencies`.
    ///
    /// - Throws: `ResourceError.undeclaredDependency` when it is not among them.
    public func instance<R: Resource>(_ dependency: ResourceKey<R>) throws(ResourceError) -> R.Instance {
        guard let instance = dependencies.instance(dependency) else {
            throw .undeclaredDependency(dependency.erased, resource: key, declared: dependencies.keys)
        }
        return instance
    }

    /// The value of an environment variable in the run's environment, or its default.
    ///
    /// - Throws: `ResourceError.missingEnvironmentVariable` naming this resource.
    public func value(of variable: EnvVar) throws(ResourceError) -> String {
        try variable.value(in: environment, resource: key)
    }

    /// The value of an environment variable, or its default, converted to `T`: `Int`, `Double`, `Bool`...
    ///
    /// - Throws: `ResourceError.missingEnvironmentVariable` or `.invalidEnvironmentVariable`.
    public func value<T: LosslessStringConvertible>(of variable: EnvVar, as type: T.Type) throws(ResourceError) -> T {
        try variable.value(as: type, in: environment, resource: key)
    }
}

/// Set-up resource instances by name, with the key each was bound under.
struct ResourceInstances: Sendable {
    /// The keys, in set-up order.
    private(set) var keys: [AnyResourceKey] = []
    private var instances: [String: (key: AnyResourceKey, value: any Sendable)] = [:]

    /// Adds an instance.
    mutating func add(_ value: any Sendable, for key: AnyResourceKey) {
        if instances.updateValue((key, value), forKey: key.name) == nil { keys.append(key) }
    }

    /// Only the instances of `keys` (those present).
    func restricted(to keys: [AnyResourceKey]) -> ResourceInstances {
        var result = ResourceInstances()
        for key in keys {
            if let entry = instances[key.name], entry.key.typeID == key.typeID {
                result.add(entry.value, for: entry.key)
            }
        }
        return result
    }

    /// The instance for a typed key, if one of that name and type is present.
    func instance<R: Resource>(_ key: ResourceKey<R>) -> R.Instance? {
        guard let entry = instances[key.name], entry.key.accepts(R.self) else { return nil }
        return entry.value as? R.Instance
    }
}
