/// The resources one asset (or check, or sensor) may use: those it declared, from the run's scope.
///
/// ```swift
/// let connection = try context.resources.instance(database)
/// ```
public struct Resources: Sendable {
    /// The run's resources.
    let scope: ResourceScope
    /// What uses them, for errors: `asset 'orders'`.
    public let user: String
    /// The resources it declared.
    public let declared: [AnyResourceKey]

    /// The instance of a declared resource.
    ///
    /// - Throws: `ResourceError.notDeclared` when the user did not declare the key in its
    ///   `resources:`; `.notInScope` or `.scopeClosed` from the scope.
    public func instance<R: Resource>(_ key: ResourceKey<R>) throws(ResourceError) -> R.Instance {
        guard declared.contains(key.erased) else { throw .notDeclared(key.erased, user: user, declared: declared) }
        return try scope.instance(key)
    }
}
