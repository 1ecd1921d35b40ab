import Foundation

/// A piece of resource configuration read from an environment variable when the run starts.
///
/// Cairn finds the `EnvVar`s among a resource's stored properties before a run starts and reports
/// every missing one at once. Descriptions show only the variable's name, never a value or a
/// default, so logging a resource never leaks a secret.
///
/// ```swift
/// struct Warehouse: Resource {
///     var host = EnvVar("POSTGRES_HOST")
///     var port = EnvVar("POSTGRES_PORT", default: "5432")
///     var password = EnvVar("POSTGRES_PASSWORD", secret: true)
/// }
/// ```
public struct EnvVar: Sendable, Hashable, Codable, CustomStringConvertible, CustomReflectable {
    /// The variable's name: `POSTGRES_HOST`.
    public let name: String
    /// The value used when the variable is not set; `nil` makes the variable required.
    public let defaultValue: String?
    /// Whether the value is a secret: a password, a token, an API key.
    public let isSecret: Bool

    /// Creates a variable; without a default it must be set, or the run does not start.
    public init(_ name: String, default defaultValue: String? = nil, secret: Bool = false) {
        self.name = name
        self.defaultValue = defaultValue
        self.isSecret = secret
    }

    /// Whether a run can start without the variable being set.
    public var isRequired: Bool { defaultValue == nil }

    /// The value in the process's environment, or the default.
    ///
    /// - Throws: `ResourceError.missingEnvironmentVariable` when it is not set and has no default.
    public var value: String {
        get throws(ResourceError) { try value(in: ProcessInfo.processInfo.environment) }
    }

    /// The value in `environment`, or the default.
    ///
    /// - Parameter resource: the resource reading the variable, named in the error.
    /// - Throws: `ResourceError.missingEnvironmentVariable` when it is not set and has no default.
    public func value(in environment: [String: String], resource: AnyResourceKey? = nil) throws(ResourceError)
        -> String
    {
        if let value = environment[name] ?? defaultValue { return value }
        throw .missingEnvironmentVariable(name: name, resource: resource)
    }

    /// The value in `environment`, or the default, converted to `T`: `Int`, `Double`, `Bool`...
    ///
    /// - Throws: `ResourceError.missingEnvironmentVariable` when it is not set and has no default;
    ///   `ResourceError.invalidEnvironmentVariable` when the value is not a `T`.
    public func value<T: LosslessStringConvertible>(
        as type: T.Type, in environment: [String: String], resource: AnyResourceKey? = nil
    ) throws(ResourceError) -> T {
        let text = try value(in: environment, resource: resource)
        guard let converted = T(text) else {
            throw .invalidEnvironmentVariable(
                name: name, expected: String(describing: T.self), value: isSecret ? nil : text, resource: resource)
        }
        return converted
    }

    /// `EnvVar(POSTGRES_HOST)`: the name only, never a value or default.
    public var description: String { "EnvVar(\(name))" }

    /// The name and whether it is secret; a secret's default is left out, so `dump` cannot leak it.
    public var customMirror: Mirror {
        var children: [(label: String?, value: Any)] = [("name", name)]
        if !isSecret, let defaultValue { children.append(("defaultValue", defaultValue)) }
        children.append(("isSecret", isSecret))
        return Mirror(self, children: children, displayStyle: .struct)
    }

    private enum CodingKeys: String, CodingKey {
        case name
        case defaultValue = "default"
        case isSecret = "secret"
    }

    /// Decodes `{"name": "PORT", "default": "5432", "secret": false}`; `default` and `secret` are optional.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        defaultValue = try container.decodeIfPresent(String.self, forKey: .defaultValue)
        isSecret = try container.decodeIfPresent(Bool.self, forKey: .isSecret) ?? false
    }

    /// Encodes the name, the default and whether it is secret; a secret's default is never encoded.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        if !isSecret { try container.encodeIfPresent(defaultValue, forKey: .defaultValue) }
        try container.encode(isSecret, forKey: .isSecret)
    }
}
