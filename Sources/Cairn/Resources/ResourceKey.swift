/// The name under which a resource of type `R` is bound, and by which assets ask for it.
///
/// The type makes access typed: `try context.resource(database)` returns the `Connection` that
/// `OperationalDatabase.setUp` made, not `Any`.
///
/// ```swift
/// let database = ResourceKey<OperationalDatabase>("database")
/// let resources = ResourceSet([database.bind(OperationalDatabase())])
/// ```
public struct ResourceKey<R: Resource>: ResourceKeyConvertible, Hashable, CustomStringConvertible {
    /// The resource's name: unique among the definitions' resources, `[A-Za-z_][A-Za-z0-9_]*`.
    public let name: String

    /// Creates a key for the resource bound under `name`.
    public init(_ name: String) {
        self.name = name
    }

    /// The key without its static type, as assets and resources list their requirements.
    public var erased: AnyResourceKey { AnyResourceKey(self) }

    /// Binds a resource value to this key, remembering where the binding was written.
    public func bind(_ resource: R, file: String = #fileID, line: Int = #line) -> ResourceBinding {
        ResourceBinding(key: self, resource: resource, location: SourceLocation(file: file, line: line))
    }

    /// `'database' (OperationalDatabase)`.
    public var description: String { erased.description }
}

extension ResourceKey: ExpressibleByStringLiteral {
    /// Creates a key from its name: `let database: ResourceKey<OperationalDatabase> = "database"`.
    public init(stringLiteral name: String) {
        self.init(name)
    }
}

/// A resource key without its static type: the name and the resource type it expects.
///
/// Two keys are equal when both their names and their resource types are.
public struct AnyResourceKey: ResourceKeyConvertible, Hashable, CustomStringConvertible {
    /// The resource's name.
    public let name: String
    /// The name of the resource type, for messages (`OperationalDatabase`).
    public let typeName: String
    /// The identity of the resource type.
    let typeID: ObjectIdentifier

    /// The key itself.
    public var erased: AnyResourceKey { self }

    /// Erases a typed key.
    public init<R: Resource>(_ key: ResourceKey<R>) {
        self.name = key.name
        self.typeName = String(describing: R.self)
        self.typeID = ObjectIdentifier(R.self)
    }

    /// Whether the key expects resources of type `R`.
    func accepts<R: Resource>(_ type: R.Type) -> Bool {
        typeID == ObjectIdentifier(type)
    }

    /// `'database' (OperationalDatabase)`.
    public var description: String { "'\(name)' (\(typeName))" }

    /// Whether a string is a valid resource name: a letter or `_`, then letters, digits and `_`.
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first) else {
            return false
        }
        return name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"):
                return true
            default:
                return false
            }
        }
    }
}

/// A resource key, typed or not: what assets list in `resources:`.
public protocol ResourceKeyConvertible: Sendable {
    /// The key without its static type.
    var erased: AnyResourceKey { get }
}
