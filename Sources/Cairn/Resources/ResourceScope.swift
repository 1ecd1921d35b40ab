import Foundation
import Logging
import Synchronization

/// The resources set up for one run: opened before the run's first step, closed after its last.
///
/// `open` checks every environment variable the needed resources (and their dependencies) read
/// and throws one error listing all the missing ones before setting anything up; then it sets the
/// resources up once each, dependencies first. `close` tears them down in reverse order, every
/// one of them even when some teardowns throw, and returns those errors.
///
/// ```swift
/// let scope = try await ResourceScope.open(resources, keys: [database.erased])
/// let connection = try scope.instance(database)
/// // ... run the steps ...
/// let teardownErrors = await scope.close()
/// ```
public final class ResourceScope: Sendable {
    /// The resource environment whose bindings were used; `nil` for the defaults.
    public let environmentName: String?
    /// The set-up resources, in set-up order.
    public var keys: [AnyResourceKey] { instances.keys }

    private let instances: ResourceInstances
    private let setUp: [(binding: ResourceBinding, instance: any Sendable)]
    private let log: Logger
    private let isClosed = Mutex(false)

    private init(
        environmentName: String?, instances: ResourceInstances,
        setUp: [(binding: ResourceBinding, instance: any Sendable)], log: Logger
    ) {
        self.environmentName = environmentName
        self.instances = instances
        self.setUp = setUp
        self.log = log
    }

    /// Sets up the resources bound to `keys` and those they depend on.
    ///
    /// When `set` was not resolved, the environment named by `CAIRN_ENV` in `environment` is used.
    ///
    /// - Parameters:
    ///   - set: the definitions' resources.
    ///   - keys: the resources the run's assets declare.
    ///   - environment: the environment variables the resources read; the process's by default.
    ///   - logger: where set-up and teardown problems are logged.
    /// - Throws: `ResourceError.unknownEnvironment`, `.notBound`, `.wrongType`, `.dependencyCycle`,
    ///   `.missingEnvironmentVariables` (before any set-up), or `.setUpFailed` after tearing down
    ///   the resources already set up.
    public static func open(
        _ set: ResourceSet,
        keys: [AnyResourceKey],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "cairn.resources")
    ) async throws(ResourceError) -> ResourceScope {
        let set = set.selection == .unresolved ? try set.resolved(from: environment) : set
        let order = try set.setUpOrder(for: keys)

        var missing: [MissingEnvironmentVariable] = []
        for binding in order {
            for variable in binding.environmentVariables
            where variable.isRequired && environment[variable.name] == nil {
                missing.append(MissingEnvironmentVariable(name: variable.name, resource: binding.key))
            }
        }
        guard missing.isEmpty else { throw .missingEnvironmentVariables(missing) }

        var instances = ResourceInstances()
        var done: [(binding: ResourceBinding, instance: any Sendable)] = []
        for binding in order {
            let context = ResourceContext(
                key: binding.key, environment: environment, log: logger,
                dependencies: instances.restricted(to: binding.dependencies))
            do {
                let instance = try await binding.setUp(context)
                instances.add(instance, for: binding.key)
                done.append((binding, instance))
            } catch {
                logger.error(
                    "setting up resource failed; tearing down the resources set up before it",
                    metadata: ["resource": "\(binding.key.name)", "error": "\(error)"])
                await tearDown(done, log: logger)
                throw .setUpFailed(binding.key, underlying: error)
            }
        }
        return ResourceScope(environmentName: set.selectedEnvironment, instances: instances, setUp: done, log: logger)
    }

    /// Opens a scope, runs `body` with it, and closes it whether `body` returns or throws.
    ///
    /// Teardown errors are logged, not thrown: they do not undo what `body` did.
    public static func withResources<T: Sendable>(
        _ set: ResourceSet,
        keys: [AnyResourceKey],
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = Logger(label: "cairn.resources"),
        _ body: (ResourceScope) async throws -> T
    ) async throws -> T {
        let scope = try await open(set, keys: keys, environment: environment, logger: logger)
        do {
            let result = try await body(scope)
            await scope.close()
            return result
        } catch {
            await scope.close()
            throw error
        }
    }

    /// The instance of a resource set up for the run.
    ///
    /// - Throws: `ResourceError.notInScope` when no asset of the run declared it, or
    ///   `.scopeClosed` after `close()`.
    public func instance<R: Resource>(_ key: ResourceKey<R>) throws(ResourceError) -> R.Instance {
        guard let instance = instances.instance(key) else { throw .notInScope(key.erased, available: keys) }
        if isClosed.withLock({ $0 }) { throw .scopeClosed(key.erased) }
        return instance
    }

    /// The resources one asset may use: those of the scope among `declared`.
    ///
    /// - Parameter user: what uses them, for errors: `asset 'orders'`.
    public func resources(for user: String, declared: [AnyResourceKey]) -> Resources {
        Resources(scope: self, user: user, declared: declared)
    }

    /// Tears the resources down in reverse set-up order, every one even when some throw; returns
    /// (and logs) the teardown errors. Calling it again does nothing.
    ///
    /// Teardown runs even when the calling task is cancelled.
    @discardableResult
    public func close() async -> [ResourceError] {
        let first = isClosed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return [] }
        return await Self.tearDown(setUp, log: log)
    }

    /// Tears down instances in reverse order in a task of its own, so that cancelling the caller
    /// does not cancel the teardowns.
    @discardableResult
    private static func tearDown(_ setUp: [(binding: ResourceBinding, instance: any Sendable)], log: Logger) async
        -> [ResourceError]
    {
        guard !setUp.isEmpty else { return [] }
        return await Task {
            var errors: [ResourceError] = []
            for (binding, instance) in setUp.reversed() {
                do {
                    try await binding.tearDown(instance)
                } catch {
                    log.error(
                        "tearing down resource failed",
                        metadata: ["resource": "\(binding.key.name)", "error": "\(error)"])
                    errors.append(.tearDownFailed(binding.key, underlying: error))
                }
            }
            return errors
        }.value
    }
}
