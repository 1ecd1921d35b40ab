/// The config a step takes: a `Codable` type, and the defaults of its fields if it has them.
///
/// ```swift
/// struct HighsConfig: Codable, Sendable { var threshold = 100.0; var stations = ["SFO"] }
/// let schema = ConfigSchema.defaults(HighsConfig())        // every field may be left out
/// let strict = ConfigSchema.of(HighsConfig.self)           // required fields must be given
/// let config = try schema.resolve(["threshold": 90], at: ["ops", "daily_highs", "config"]) as! HighsConfig
/// ```
public struct ConfigSchema: Sendable {
    /// The name of the config type, as `HighsConfig`.
    public let typeName: String
    /// The defaults as JSON, or `nil` when the schema has none and required values must be given.
    public let defaultValue: JSONValue?
    private let decode: @Sendable (JSONValue?, [String]) throws(ConfigError) -> any Sendable
    private let sample: @Sendable () -> JSONValue?

    private init(
        typeName: String, defaultValue: JSONValue?,
        decode: @escaping @Sendable (JSONValue?, [String]) throws(ConfigError) -> any Sendable,
        sample: @escaping @Sendable () -> JSONValue?
    ) {
        self.typeName = typeName
        self.defaultValue = defaultValue
        self.decode = decode
        self.sample = sample
    }

    /// Config of `value`'s type where every field may be left out and takes its value from `value`.
    ///
    /// What the run config gives is merged over `value` key by key, into nested objects too; lists and
    /// other values given replace the default ones whole. Unknown keys are still errors.
    public static func defaults<Config: Codable & Sendable>(_ value: Config) -> ConfigSchema {
        let typeName = String(describing: Config.self)
        let encoded: JSONValue
        do {
            encoded = try JSONValueEncoder().encode(value)
        } catch {
            let message = "the default \(typeName) cannot be written as JSON: \(error)"
            return ConfigSchema(
                typeName: typeName, defaultValue: nil,
                decode: { _, path throws(ConfigError) in throw ConfigError(path: path, message: message) },
                sample: { nil })
        }
        return ConfigSchema(
            typeName: typeName, defaultValue: encoded,
            decode: { provided, path throws(ConfigError) in
                let merged = provided.map { merge($0, over: encoded) } ?? encoded
                return try ConfigDecoder().decode(Config.self, from: merged, at: path, provided: .some(provided))
            },
            sample: { encoded })
    }

    /// Config of type `Config` without defaults: its required fields must be given, optional ones may not.
    public static func of<Config: Codable & Sendable>(_ type: Config.Type) -> ConfigSchema {
        ConfigSchema(
            typeName: String(describing: Config.self), defaultValue: nil,
            decode: { provided, path throws(ConfigError) in
                try ConfigDecoder().decode(Config.self, from: provided, at: path)
            },
            sample: { ConfigPlaceholder.make(Config.self).flatMap { try? JSONValueEncoder().encode($0) } })
    }

    /// The typed config (a value of the schema's type) for `provided`, the config given at `path`, or
    /// `nil` when none was given.
    public func resolve(_ provided: JSONValue?, at path: [String] = []) throws(ConfigError) -> any Sendable {
        try decode(provided, path)
    }

    /// Whether the step cannot run without config being given: the schema has required values.
    public var requiresConfig: Bool {
        (try? resolve(nil)) == nil
    }

    /// The shape of the config with its defaults filled in, to start editing from; without defaults,
    /// required fields hold stand-ins such as `0` and `""`.
    public func template() -> JSONValue {
        defaultValue ?? sample() ?? .object([:])
    }

    /// `provided` laid over `defaults`: objects merge key by key, anything else given replaces the default.
    static func merge(_ provided: JSONValue, over defaults: JSONValue) -> JSONValue {
        guard case .object(let given) = provided, case .object(var result) = defaults else { return provided }
        for (key, value) in given {
            result[key] = result[key].map { merge(value, over: $0) } ?? value
        }
        return .object(result)
    }
}
