/// The config of a run, in Dagster's shape: each step's config under `ops`, resources' under `resources`.
///
/// ```yaml
/// ops:
///   daily_temperature_highs:
///     config:
///       threshold: 90
/// resources:
///   warehouse:
///     config: {path: data/warehouse.sqlite}
/// ```
public struct RunConfig: Sendable, Codable, Hashable {
    /// The config given to each step, by step name: the value under `ops.<step>.config`.
    public var ops: [String: JSONValue]
    /// The config of each resource, by resource key: the value under `resources.<key>`, as written.
    public var resources: [String: JSONValue]

    /// A run config without any config.
    public static let empty = RunConfig()

    /// Creates a run config from the config of each step and resource.
    public init(ops: [String: JSONValue] = [:], resources: [String: JSONValue] = [:]) {
        self.ops = ops
        self.resources = resources
    }

    /// Reads a run config written as JSON or YAML, checking its shape; `null` is the empty config.
    public init(_ json: JSONValue) throws(ConfigError) {
        var issues: [ConfigError.Issue] = []
        func problem(_ path: [String], _ message: String) {
            issues.append(ConfigError.Issue(path: path, message: message))
        }
        var ops: [String: JSONValue] = [:]
        var resources: [String: JSONValue] = [:]
        switch json {
        case .null:
            break
        case .object(let top):
            for (key, value) in top.sorted(by: { $0.key < $1.key }) {
                switch (key, value) {
                case ("ops", _):
                    ops = Self.readOps(value, issues: &issues)
                case ("resources", .object(let given)):
                    resources = given
                case ("resources", _):
                    problem([key], Self.expectedObject(#"{"<resource key>": {"config": ...}}"#, got: value))
                case ("solids", _):
                    problem([key], "unknown key; use 'ops' (Dagster's older name 'solids' is not read)")
                default:
                    let hint = NearestName.hint(for: key, among: ["ops", "resources"])
                    problem(
                        [key], "unknown key" + (hint.isEmpty ? "; a run config has only 'ops' and 'resources'" : hint))
                }
            }
        default:
            problem([], Self.expectedObject(#"a run config {"ops": {"<step>": {"config": ...}}}"#, got: json))
        }
        guard issues.isEmpty else { throw ConfigError(issues: issues) }
        self.init(ops: ops, resources: resources)
    }

    /// The steps' config under `ops`: an object of objects with only a `config` key each.
    private static func readOps(_ value: JSONValue, issues: inout [ConfigError.Issue]) -> [String: JSONValue] {
        guard case .object(let steps) = value else {
            issues.append(.init(path: ["ops"], message: expectedObject(#"{"<step>": {"config": ...}}"#, got: value)))
            return [:]
        }
        var ops: [String: JSONValue] = [:]
        for (step, entry) in steps.sorted(by: { $0.key < $1.key }) {
            guard case .object(let keys) = entry else {
                issues.append(.init(path: ["ops", step], message: expectedObject(#"{"config": ...}"#, got: entry)))
                continue
            }
            for key in keys.keys.sorted() where key != "config" {
                let hint = NearestName.hint(for: key, among: ["config"])
                let message = "unknown key" + (hint.isEmpty ? "; a step's config goes under 'config'" : hint)
                issues.append(.init(path: ["ops", step, key], message: message))
            }
            ops[step] = keys["config"]
        }
        return ops
    }

    private static func expectedObject(_ example: String, got value: JSONValue) -> String {
        "expected an object such as \(example), got \(ConfigDecoder.describe(value))"
    }

    /// The run config as JSON, in the shape it is read from.
    public var json: JSONValue {
        var top: [String: JSONValue] = [:]
        if !ops.isEmpty { top["ops"] = .object(ops.mapValues { .object(["config": $0]) }) }
        if !resources.isEmpty { top["resources"] = .object(resources) }
        return .object(top)
    }

    /// The config given to the step `name`, if any.
    public func config(forStep name: String) -> JSONValue? {
        ops[name]
    }

    /// Resolves the config of every step that takes some, collecting every problem of every step.
    ///
    /// `schemas` holds the config schema of each step of the run that takes config; `steps` names the
    /// run's other steps, so that config given to one of them is reported as taking none rather than as
    /// an unknown step. A step with a schema but no config given takes its defaults, or is an error
    /// naming the required values that are missing. Returns each step's typed config by step name.
    public func validate(
        against schemas: [String: ConfigSchema], steps: Set<String> = []
    ) throws(ConfigError) -> [String: any Sendable] {
        var issues: [ConfigError.Issue] = []
        for key in resources.keys.sorted() {
            issues.append(
                .init(
                    path: ["resources", key],
                    message: "resources take no run config in Cairn: a resource's settings come from its binding "
                        + "in code (ResourceSet, per environment with CAIRN_ENV) and EnvVar; remove this entry"))
        }
        for name in ops.keys.sorted() where schemas[name] == nil {
            issues.append(
                .init(path: ["ops", name], message: Self.noSchema(for: name, schemas: schemas, steps: steps)))
        }
        var resolved: [String: any Sendable] = [:]
        for name in schemas.keys.sorted() {
            do {
                resolved[name] = try schemas[name]!.resolve(ops[name], at: ["ops", name, "config"])
            } catch {
                issues += error.issues
            }
        }
        guard issues.isEmpty else { throw ConfigError(issues: issues) }
        return resolved
    }

    /// Why config given to the step `name`, which has no schema, cannot be used.
    private static func noSchema(for name: String, schemas: [String: ConfigSchema], steps: Set<String>) -> String {
        if steps.contains(name) {
            return "the step '\(name)' takes no config; remove this entry"
        }
        if let suggestion = NearestName.suggestion(for: name, among: schemas.keys.sorted()) {
            return "unknown step; did you mean '\(suggestion)'?"
        }
        if let suggestion = NearestName.suggestion(for: name, among: steps.sorted()) {
            return "unknown step; did you mean '\(suggestion)'? (it takes no config)"
        }
        if schemas.isEmpty { return "unknown step; no step of this run takes config" }
        let names = schemas.keys.sorted()
        let shown = names.prefix(20).map { "'\($0)'" }.joined(separator: ", ")
        return "unknown step; the steps that take config are \(shown)\(names.count > 20 ? ", …" : "")"
    }

    /// Reads a run config from its JSON form.
    public init(from decoder: any Decoder) throws {
        let json = try JSONValue(from: decoder)
        do {
            try self.init(json)
        } catch {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    /// Writes the run config in its JSON form.
    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
