/// The resources one definition — an asset, a check, a sensor — declares it uses, for validation.
public struct ResourceRequirement: Sendable, Hashable {
    /// What needs the resources, for messages: `asset 'orders'`, `sensor 'new_files'`.
    public var user: String
    /// Where the definition was written.
    public var location: SourceLocation
    /// The resources it declares in `resources:`.
    public var keys: [AnyResourceKey]

    /// Creates a requirement; `user` names the definition, such as `asset 'orders'`.
    public init(_ user: String, location: SourceLocation, keys: [AnyResourceKey]) {
        self.user = user
        self.location = location
        self.keys = keys
    }

    /// The requirement of an asset (or a multi-asset's computation) named `name`.
    public static func asset(_ name: String, location: SourceLocation, keys: [AnyResourceKey]) -> Self {
        Self("asset '\(name)'", location: location, keys: keys)
    }
}
