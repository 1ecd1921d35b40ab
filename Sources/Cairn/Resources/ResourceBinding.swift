/// A resource value bound to a key: one entry of the definitions' resources.
///
/// Made with `ResourceKey.bind(_:)`: `database.bind(OperationalDatabase())`.
public struct ResourceBinding: Sendable, CustomStringConvertible {
    /// The key the resource is bound to.
    public let key: AnyResourceKey
    /// The resource value: its configuration.
    public let resource: any Resource
    /// Where the binding was written.
    public let location: SourceLocation
    /// The resources this one needs, from `Resource.dependencies`.
    public let dependencies: [AnyResourceKey]
    /// Sets the resource up, returning its instance.
    let setUp: @Sendable (ResourceContext) async throws -> any Sendable
    /// Tears down an instance `setUp` returned.
    let tearDown: @Sendable (any Sendable) async throws -> Void

    /// Binds `resource` to `key`.
    init<R: Resource>(key: ResourceKey<R>, resource: R, location: SourceLocation) {
        self.key = key.erased
        self.resource = resource
        self.location = location
        self.dependencies = resource.dependencies
        self.setUp = { context in try await resource.setUp(context) }
        self.tearDown = { instance in
            guard let instance = instance as? R.Instance else { return }
            try await resource.tearDown(instance)
        }
    }

    /// The environment variables the resource reads (`Resource.environmentVariables`).
    public var environmentVariables: [EnvVar] { resource.environmentVariables }

    /// `'database' (OperationalDatabase)`; never the resource's configuration.
    public var description: String { key.description }
}
