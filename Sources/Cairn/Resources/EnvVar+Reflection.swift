extension EnvVar {
    /// Every `EnvVar` stored in a value, found by reflection through stored properties, optionals,
    /// arrays, sets, dictionaries, tuples, enum payloads and class instances, in declaration order,
    /// without duplicates.
    ///
    /// This is how Cairn knows, before a run starts, which variables its resources need.
    public static func variables(in value: Any) -> [EnvVar] {
        StoredValues.find(in: value) { $0 as? EnvVar }
    }
}

extension AnyResourceKey {
    /// Every resource key (typed or not) stored in a value, found by reflection like `EnvVar.variables(in:)`.
    ///
    /// This is how a resource that stores the keys of the resources it uses declares its dependencies.
    public static func keys(in value: Any) -> [AnyResourceKey] {
        StoredValues.find(in: value) { ($0 as? any ResourceKeyConvertible)?.erased }
    }
}
