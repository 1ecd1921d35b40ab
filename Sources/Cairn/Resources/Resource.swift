/// Something external that assets use — a database connection, an API client, a warehouse —
/// set up once per run before the assets that need it and torn down after them.
///
/// A resource is a plain value holding its configuration; `setUp` turns it into the instance the
/// assets use. Configuration read from the environment is written as `EnvVar`s, so Cairn finds every
/// variable a run needs before the run starts and reports the missing ones all at once:
///
/// ```swift
/// struct OperationalDatabase: Resource {
///     var path = EnvVar("CUSTOMERS_DB", default: "data/customers.sqlite")
///     func setUp(_ context: ResourceContext) async throws -> Connection {
///         try Connection(path: try context.value(of: path))
///     }
///     func tearDown(_ connection: Connection) async throws { try connection.close() }
/// }
/// let database = ResourceKey<OperationalDatabase>("database")
/// ```
///
/// A resource that needs another stores its key; the other one is then set up first:
///
/// ```swift
/// struct CustomerAPI: Resource {
///     var session: ResourceKey<HTTPSession> = "http"
///     var token = EnvVar("CUSTOMER_API_TOKEN", secret: true)
///     func setUp(_ context: ResourceContext) async throws -> APIClient {
///         APIClient(session: try context.instance(session), token: try context.value(of: token))
///     }
/// }
/// ```
///
/// A resource whose instance is the value itself (a configured client without a connection) needs
/// no `setUp` at all.
public protocol Resource: Sendable {
    /// What assets get from the resource: a connection, a client; the resource itself by default.
    associatedtype Instance: Sendable = Self

    /// The other resources this one needs; their instances are set up first and read from the
    /// context with `context.instance(_:)`. By default the `ResourceKey`s among the resource's
    /// stored properties, found by reflection.
    var dependencies: [AnyResourceKey] { get }

    /// The environment variables the resource reads; by default found by reflection among its
    /// stored properties (through optionals, arrays, dictionaries and nested values).
    ///
    /// Implement it only when the resource reads variables it does not store as `EnvVar`s.
    var environmentVariables: [EnvVar] { get }

    /// Creates the instance assets use, once per run, after the resource's dependencies.
    func setUp(_ context: ResourceContext) async throws -> Instance

    /// Releases what `setUp` acquired, once per run, after every asset using it; does nothing by default.
    func tearDown(_ instance: Instance) async throws
}

extension Resource {
    /// The `ResourceKey`s among the resource's stored properties, found by reflection.
    public var dependencies: [AnyResourceKey] { AnyResourceKey.keys(in: self) }

    /// The `EnvVar`s among the resource's stored properties, found by reflection.
    public var environmentVariables: [EnvVar] { EnvVar.variables(in: self) }

    /// Nothing to release.
    public func tearDown(_ instance: Instance) async throws {}
}

extension Resource where Instance == Self {
    /// The resource is its own instance.
    public func setUp(_ context: ResourceContext) async throws -> Self { self }
}
