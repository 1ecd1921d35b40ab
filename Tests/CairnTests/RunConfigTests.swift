import Foundation
import Testing

@testable import Cairn

@Suite struct RunConfigTests {
    enum Unit: String, Codable, Sendable, CaseIterable { case hours, days }
    enum Mode: String, Codable, Sendable { case fast, slow }
    enum Priority: Int, Codable, Sendable, CaseIterable {
        case low = 1
        case high = 2
    }

    struct Window: Codable, Sendable, Equatable {
        var size: Int
        var unit: Unit
    }

    struct HighsConfig: Codable, Sendable, Equatable {
        var threshold: Double
        var stations: [String]
        var window: Window
        var note: String?
    }

    struct Everything: Codable, Sendable, Equatable {
        var text: String
        var flag: Bool
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var double: Double
        var float: Float
        var date: Date
        var url: URL
        var unit: Unit
        var mode: Mode
        var priority: Priority
        var limits: [String: Int]
        var windows: [Window]
        var tags: Set<String>
        var maybe: Int?
        var extra: JSONValue
    }

    /// A config type that checks its own values.
    struct Positive: Codable, Sendable, Equatable {
        var value: Int

        init(value: Int) {
            self.value = value
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            value = try container.decode(Int.self)
            guard value > 0 else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "must be positive, got \(value)")
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(value)
        }
    }

    struct Retries: Codable, Sendable, Equatable {
        var attempts: Positive
        var label: String
    }

    struct Defaults: Codable, Sendable, Equatable {
        var threshold = 100.0
        var stations = ["SFO", "OAK"]
        var window = Window(size: 24, unit: .hours)
        var note: String? = "hot"
        var since: Date?
    }

    static let path = ["ops", "daily_highs", "config"]

    static func json(_ text: String) -> JSONValue {
        try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// The issues, as printed, of decoding `text` as `type` at `path`.
    static func problems<T: Decodable>(_ type: T.Type, _ text: String?, at path: [String] = path) -> [String] {
        do {
            _ = try ConfigDecoder().decode(type, from: text.map(json), at: path)
            return []
        } catch {
            return error.issues.map(\.description)
        }
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try ConfigDecoder().decode(type, from: json(text), at: path)
    }

    static let everything = """
        {"text": "hi", "flag": true, "int": -3, "int8": -8, "int16": 16, "int32": 32, "int64": 64000000000,
         "uint": 1, "uint8": 255, "uint16": 16, "uint32": 32, "uint64": 64, "double": 2, "float": 1.5,
         "date": "2024-04-01T13:05:00+02:00", "url": "https://example.com/a?b=c", "unit": "days",
         "mode": "slow", "priority": 2, "limits": {"a": 1, "b": 2},
         "windows": [{"size": 1, "unit": "hours"}, {"size": 7, "unit": "days"}],
         "tags": ["x", "y"], "maybe": null, "extra": {"any": [1, "thing"]}}
        """

    // MARK: Decoding

    @Test func decodesEveryKindOfValue() throws {
        let value = try Self.decode(Everything.self, Self.everything)
        #expect(value.text == "hi")
        #expect(value.flag)
        #expect(value.int == -3)
        #expect(value.int64 == 64_000_000_000)
        #expect(value.uint8 == 255)
        #expect(value.double == 2)
        #expect(value.float == 1.5)
        #expect(value.date == Date(timeIntervalSince1970: 1_711_969_500))
        #expect(value.url == URL(string: "https://example.com/a?b=c"))
        #expect(value.unit == .days)
        #expect(value.mode == .slow)
        #expect(value.priority == .high)
        #expect(value.limits == ["a": 1, "b": 2])
        #expect(value.windows == [Window(size: 1, unit: .hours), Window(size: 7, unit: .days)])
        #expect(value.tags == ["x", "y"])
        #expect(value.maybe == nil)
        #expect(value.extra == Self.json(#"{"any": [1, "thing"]}"#))
    }

    @Test func wrongScalarTypesSayWhatWasExpectedAndWhatWasGiven() {
        #expect(
            Self.problems(
                HighsConfig.self, #"{"threshold": "abc", "stations": [], "window": {"size": 1, "unit": "days"}}"#)
                == [#"ops.daily_highs.config.threshold: expected a number, got "abc""#])
        #expect(
            Self.problems(Window.self, #"{"size": true, "unit": "days"}"#)
                == ["ops.daily_highs.config.size: expected an integer, got true"])
        #expect(
            Self.problems([String].self, #"["a", 3, false]"#)
                == [
                    "ops.daily_highs.config[1]: expected a string, got 3; write it in quotes to make it a string",
                    "ops.daily_highs.config[2]: expected a string, got false; write it in quotes to make it a string",
                ])
        #expect(Self.problems(Bool.self, #""yes""#) == [#"ops.daily_highs.config: expected true or false, got "yes""#])
    }

    @Test func containersOfTheWrongKind() {
        #expect(
            Self.problems(HighsConfig.self, #"{"threshold": 1, "stations": {}, "window": {"size": 1, "unit": "days"}}"#)
                == ["ops.daily_highs.config.stations: expected a list, got an object"])
        #expect(
            Self.problems(HighsConfig.self, #"{"threshold": 1, "stations": [], "window": [1]}"#)
                == ["ops.daily_highs.config.window: expected an object, got a list"])
        #expect(Self.problems(HighsConfig.self, "3") == ["ops.daily_highs.config: expected an object, got 3"])
    }

    @Test func integers() throws {
        #expect(try Self.decode(Int.self, "3.0") == 3)
        #expect(try Self.decode(Double.self, "3") == 3.0)
        #expect(try Self.decode(Int64.self, "-9007199254740992") == -9_007_199_254_740_992)
        #expect(Self.problems(Int.self, "3.5") == ["ops.daily_highs.config: expected an integer, got 3.5"])
        #expect(
            Self.problems(UInt8.self, "300")
                == ["ops.daily_highs.config: expected an integer from 0 to 255 (UInt8), got 300"])
        #expect(
            Self.problems(UInt.self, "-1")
                == ["ops.daily_highs.config: expected an integer from 0 to 18446744073709551615 (UInt), got -1"])
        #expect(
            Self.problems(Int8.self, "-129")
                == ["ops.daily_highs.config: expected an integer from -128 to 127 (Int8), got -129"])
        #expect(Self.problems(Int.self, #""3""#) == [#"ops.daily_highs.config: expected an integer, got "3""#])
        #expect(
            Self.problems(Float.self, "1e300")
                == [
                    "ops.daily_highs.config: expected a number from -3.4028235e+38 to 3.4028235e+38 (Float), got 1e+300"
                ])
    }

    @Test func missingRequiredValuesNameTheKeyAndItsType() {
        #expect(
            Self.problems(HighsConfig.self, #"{"stations": []}"#)
                == [
                    "ops.daily_highs.config: missing required value 'threshold' (a number)",
                    "ops.daily_highs.config: missing required value 'window' (an object)",
                ])
        #expect(
            Self.problems(Window.self, "{}")
                == [
                    "ops.daily_highs.config: missing required value 'size' (an integer)",
                    #"ops.daily_highs.config: missing required value 'unit' (one of "hours", "days")"#,
                ])
        #expect(
            Self.problems(Everything.self, nil).prefix(3)
                == [
                    "ops.daily_highs.config: missing required value 'text' (a string)",
                    "ops.daily_highs.config: missing required value 'flag' (true or false)",
                    "ops.daily_highs.config: missing required value 'int' (an integer)",
                ])
        #expect(Self.problems(Int.self, nil) == ["ops.daily_highs.config: missing required value (an integer)"])
        #expect(Self.problems([Int].self, nil) == ["ops.daily_highs.config: missing required value (a list)"])
    }

    @Test func missingValuesOfEveryKindOfType() {
        let problems = Self.problems(Everything.self, "{}")
        #expect(problems.count == 23)
        #expect(
            problems.contains(
                "ops.daily_highs.config: missing required value 'date' (a date such as 2024-04-01 or 2024-04-01T13:05:00Z)"
            ))
        #expect(problems.contains("ops.daily_highs.config: missing required value 'url' (a URL)"))
        #expect(problems.contains("ops.daily_highs.config: missing required value 'mode' (a string)"))
        #expect(problems.contains("ops.daily_highs.config: missing required value 'priority' (one of 1, 2)"))
        #expect(problems.contains("ops.daily_highs.config: missing required value 'limits' (an object)"))
        #expect(problems.contains("ops.daily_highs.config: missing required value 'windows' (a list)"))
        #expect(problems.contains("ops.daily_highs.config: missing required value 'tags' (a list)"))
        #expect(problems.contains("ops.daily_highs.config: missing required value 'extra' (a value)"))
        #expect(!problems.contains { $0.contains("'maybe'") })
    }

    @Test func unknownKeysSuggestTheNearestKnownKey() {
        #expect(
            Self.problems(HighsConfig.self, #"{"treshold": 1, "stations": [], "window": {"size": 1, "unit": "days"}}"#)
                == [
                    "ops.daily_highs.config.treshold: unknown key; did you mean 'threshold'?",
                    "ops.daily_highs.config: missing required value 'threshold' (a number)",
                ])
        #expect(
            Self.problems(Window.self, #"{"size": 1, "unit": "days", "zone": "UTC"}"#)
                == ["ops.daily_highs.config.zone: unknown key; expected one of 'size', 'unit'"])
        #expect(
            Self.problems([Window].self, #"[{"size": 1, "unit": "days"}, {"size": 1, "unit": "days", "sise": 2}]"#)
                == ["ops.daily_highs.config[1].sise: unknown key; did you mean 'size'?"])
    }

    @Test func optionals() throws {
        let given = try Self.decode(
            HighsConfig.self, #"{"threshold": 1, "stations": [], "window": {"size": 1, "unit": "days"}, "note": "n"}"#)
        #expect(given.note == "n")
        let null = try Self.decode(
            HighsConfig.self, #"{"threshold": 1, "stations": [], "window": {"size": 1, "unit": "days"}, "note": null}"#)
        #expect(null.note == nil)
        let absent = try Self.decode(
            HighsConfig.self, #"{"threshold": 1, "stations": [], "window": {"size": 1, "unit": "days"}}"#)
        #expect(absent.note == nil)
        #expect(try Self.decode([Int?].self, "[1, null]") == [1, nil])
        #expect(try ConfigDecoder().decode(Int?.self, from: nil) == nil)
        #expect(
            Self.problems(
                HighsConfig.self, #"{"threshold": 1, "stations": [], "window": {"size": 1, "unit": "days"}, "note": 5}"#
            )
                == ["ops.daily_highs.config.note: expected a string, got 5; write it in quotes to make it a string"])
        #expect(
            Self.problems([Int?].self, #"[1, "x"]"#) == [#"ops.daily_highs.config[1]: expected an integer, got "x""#])
    }

    @Test func enums() {
        #expect(
            Self.problems(Window.self, #"{"size": 1, "unit": "weeks"}"#)
                == [#"ops.daily_highs.config.unit: expected one of "hours", "days", got "weeks""#])
        #expect(Self.problems(Priority.self, "3") == ["ops.daily_highs.config: expected one of 1, 2, got 3"])
        #expect(
            Self.problems(Mode.self, #""medium""#) == [#"ops.daily_highs.config: expected a valid Mode, got "medium""#])
        #expect(
            Self.problems(Mode.self, "3") == [
                "ops.daily_highs.config: expected a string, got 3; write it in quotes to make it a string"
            ])
    }

    @Test func dates() throws {
        #expect(try Self.decode(Date.self, #""2024-04-01""#) == Date(timeIntervalSince1970: 1_711_929_600))
        #expect(
            try Self.decode(Date.self, #""2024-04-01T00:00:00.5Z""#) == Date(timeIntervalSince1970: 1_711_929_600.5))
        #expect(
            Self.problems(Date.self, #""yesterday""#)
                == [
                    #"ops.daily_highs.config: expected an ISO 8601 date such as 2024-04-01 or 2024-04-01T13:05:00Z, got "yesterday""#
                ])
        #expect(
            Self.problems(Date.self, "1711929600")
                == [
                    "ops.daily_highs.config: expected a date such as 2024-04-01 or 2024-04-01T13:05:00Z, got 1711929600"
                ])
        #expect(Self.problems(URL.self, #""""#) == [#"ops.daily_highs.config: expected a URL, got """#])
    }

    @Test func dictionariesReportTheKeyOfTheBadValue() throws {
        #expect(try Self.decode([String: Int].self, #"{"a": 1}"#) == ["a": 1])
        #expect(
            Self.problems([String: Int].self, #"{"a": 1, "b": "x", "c": 2.5}"#)
                == [
                    #"ops.daily_highs.config.b: expected an integer, got "x""#,
                    "ops.daily_highs.config.c: expected an integer, got 2.5",
                ])
    }

    @Test func everyProblemIsReportedInOnePass() {
        let text = """
            {"text": 1, "flag": "no", "int": 1.5, "int8": 1, "int16": 1, "int32": 1, "int64": 1, "uint": 1,
             "uint8": 256, "uint16": 1, "uint32": 1, "uint64": 1, "double": "x", "float": 1, "date": "soon",
             "url": "u", "unit": "weeks", "mode": "fast", "priority": 1, "limits": {"a": "b"},
             "windows": [{"size": 1, "unit": "days"}, {"size": "big", "unit": "days", "color": 1}],
             "tags": [], "maybe": 3, "extra": null, "typo": 1}
            """
        #expect(
            Self.problems(Everything.self, text) == [
                "ops.daily_highs.config.typo: unknown key; expected one of 'date', 'double', 'extra', 'flag', "
                    + "'float', 'int', 'int16', 'int32', 'int64', 'int8', 'limits', 'maybe', 'mode', 'priority', "
                    + "'tags', 'text', 'uint', 'uint16', 'uint32', 'uint64', …",
                "ops.daily_highs.config.text: expected a string, got 1; write it in quotes to make it a string",
                #"ops.daily_highs.config.flag: expected true or false, got "no""#,
                "ops.daily_highs.config.int: expected an integer, got 1.5",
                "ops.daily_highs.config.uint8: expected an integer from 0 to 255 (UInt8), got 256",
                #"ops.daily_highs.config.double: expected a number, got "x""#,
                #"ops.daily_highs.config.date: expected an ISO 8601 date such as 2024-04-01 or 2024-04-01T13:05:00Z, got "soon""#,
                #"ops.daily_highs.config.unit: expected one of "hours", "days", got "weeks""#,
                #"ops.daily_highs.config.limits.a: expected an integer, got "b""#,
                "ops.daily_highs.config.windows[1].color: unknown key; expected one of 'size', 'unit'",
                #"ops.daily_highs.config.windows[1].size: expected an integer, got "big""#,
            ])
    }

    @Test func aTypesOwnCheckIsReportedAtItsPath() throws {
        #expect(
            Self.problems(Retries.self, #"{"attempts": 0, "label": "x"}"#)
                == ["ops.daily_highs.config.attempts: must be positive, got 0"])
        // The check does not complain about the stand-in given after a bad value, and decoding goes on.
        #expect(
            Self.problems(Retries.self, #"{"attempts": "many", "label": 3, "lable": "x"}"#)
                == [
                    "ops.daily_highs.config.lable: unknown key; did you mean 'label'?",
                    #"ops.daily_highs.config.attempts: expected an integer, got "many""#,
                    "ops.daily_highs.config.label: expected a string, got 3; write it in quotes to make it a string",
                ])
        #expect(
            try Self.decode(Retries.self, #"{"attempts": 2, "label": "x"}"#)
                == Retries(attempts: Positive(value: 2), label: "x"))
    }

    struct Job: Codable, Sendable {
        var mode: Mode
        var retries: Retries
        var window: Window
    }

    @Test func decodingGoesOnAfterValuesWithoutStandIns() {
        // Neither Mode (it does not list its cases) nor Positive (it rejects 0) decodes from a stand-in.
        #expect(
            Self.problems(Job.self, #"{"mode": "medium", "retries": {"attempts": -1, "label": 2}, "windw": 1}"#)
                == [
                    "ops.daily_highs.config.windw: unknown key; did you mean 'window'?",
                    #"ops.daily_highs.config.mode: expected a valid Mode, got "medium""#,
                    "ops.daily_highs.config.retries.attempts: must be positive, got -1",
                    "ops.daily_highs.config.retries.label: expected a string, got 2; write it in quotes to make it a string",
                    "ops.daily_highs.config: missing required value 'window' (an object)",
                ])
        #expect(
            Self.problems(Job.self, "{}")
                == [
                    "ops.daily_highs.config: missing required value 'mode' (a string)",
                    "ops.daily_highs.config: missing required value 'retries' (an object)",
                    "ops.daily_highs.config: missing required value 'window' (an object)",
                ])
    }

    enum Source: Codable, Sendable, Equatable {
        case file(path: String)
        case url(URL)
    }

    @Test func enumsWithAssociatedValues() throws {
        #expect(try Self.decode(Source.self, #"{"file": {"path": "a.csv"}}"#) == .file(path: "a.csv"))
        #expect(
            try Self.decode(Source.self, #"{"url": {"_0": "https://x.org"}}"#) == .url(URL(string: "https://x.org")!))
        #expect(
            Self.problems(Source.self, #"{"file": {"pth": "a.csv"}}"#)
                == [
                    "ops.daily_highs.config.file.pth: unknown key; did you mean 'path'?",
                    "ops.daily_highs.config.file: missing required value 'path' (a string)",
                ])
        #expect(
            Self.problems(Source.self, #"{"fil": {"path": "a.csv"}}"#)
                == [
                    "ops.daily_highs.config.fil: unknown key",
                    "ops.daily_highs.config: Invalid number of keys found, expected one.",
                ])
    }

    // MARK: Schemas

    @Test func defaultsFillWhatIsNotGivenIntoNestedObjects() throws {
        let schema = ConfigSchema.defaults(Defaults())
        let given = try schema.resolve(Self.json(#"{"window": {"size": 48}, "stations": ["SJC"]}"#), at: Self.path)
        #expect(
            given as? Defaults
                == Defaults(threshold: 100, stations: ["SJC"], window: Window(size: 48, unit: .hours), note: "hot"))
        #expect(try schema.resolve(nil, at: Self.path) as? Defaults == Defaults())
        let cleared = try schema.resolve(Self.json(#"{"note": null, "since": "2024-04-01"}"#), at: Self.path)
        #expect((cleared as? Defaults)?.note == nil)
        #expect((cleared as? Defaults)?.since == Date(timeIntervalSince1970: 1_711_929_600))
        #expect(!schema.requiresConfig)
        #expect(schema.typeName == "Defaults")
    }

    @Test func defaultsStillCatchUnknownKeysAndBadValues() {
        let schema = ConfigSchema.defaults(Defaults())
        #expect(
            throws: ConfigError(issues: [
                .init(path: ["ops", "daily_highs", "config", "threshold"], message: #"expected a number, got "hot""#),
                .init(
                    path: ["ops", "daily_highs", "config", "window", "sise"],
                    message: "unknown key; did you mean 'size'?"),
            ])
        ) {
            try schema.resolve(Self.json(#"{"threshold": "hot", "window": {"sise": 48}}"#), at: Self.path)
        }
    }

    @Test func defaultsAreTheTemplate() {
        let schema = ConfigSchema.defaults(Defaults())
        #expect(
            schema.defaultValue
                == Self.json(
                    #"{"threshold": 100, "stations": ["SFO", "OAK"], "window": {"size": 24, "unit": "hours"}, "note": "hot"}"#
                ))
        #expect(schema.template() == schema.defaultValue)
        let required = ConfigSchema.of(HighsConfig.self)
        #expect(required.defaultValue == nil)
        #expect(
            required.template()
                == Self.json(#"{"threshold": 0, "stations": [], "window": {"size": 0, "unit": "hours"}}"#))
        #expect(required.requiresConfig)
    }

    @Test func schemaWithoutDefaultsNamesEveryMissingValue() {
        #expect(
            throws: ConfigError(issues: [
                .init(path: Self.path, message: "missing required value 'size' (an integer)"),
                .init(path: Self.path, message: #"missing required value 'unit' (one of "hours", "days")"#),
            ])
        ) {
            try ConfigSchema.of(Window.self).resolve(nil, at: Self.path)
        }
    }

    // MARK: Run config

    @Test func readsDagstersShape() throws {
        let config = try RunConfig(
            Self.json(
                #"{"ops": {"daily_highs": {"config": {"threshold": 90}}, "other": {}}, "resources": {"db": {"config": {"path": "x"}}}}"#
            ))
        #expect(config.config(forStep: "daily_highs") == Self.json(#"{"threshold": 90}"#))
        #expect(config.config(forStep: "other") == nil)
        #expect(config.resources == ["db": Self.json(#"{"config": {"path": "x"}}"#)])
        #expect(try RunConfig(.null) == .empty)
        #expect(try RunConfig(.object([:])) == .empty)
    }

    @Test func resourcesTakeNoRunConfig() throws {
        let config = try RunConfig(Self.json(#"{"resources": {"db": {"config": {"path": "x"}}}}"#))
        #expect(throws: ConfigError.self) { try config.validate(against: [:]) }
        do {
            _ = try config.validate(against: [:])
        } catch {
            #expect(error.issues.map(\.path) == [["resources", "db"]])
            #expect(error.issues.first?.message.contains("resources take no run config in Cairn") == true)
        }
        #expect(try RunConfig(Self.json(#"{"resources": {}}"#)).validate(against: [:]).isEmpty)
    }

    @Test func structureErrors() {
        #expect(
            throws: ConfigError(issues: [
                .init(path: ["solids"], message: "unknown key; use 'ops' (Dagster's older name 'solids' is not read)")
            ])
        ) {
            try RunConfig(Self.json(#"{"solids": {}}"#))
        }
        #expect(
            throws: ConfigError(issues: [
                .init(path: ["execution"], message: "unknown key; a run config has only 'ops' and 'resources'"),
                .init(path: ["op"], message: "unknown key; did you mean 'ops'?"),
            ])
        ) {
            try RunConfig(Self.json(#"{"op": {}, "execution": {}}"#))
        }
        #expect(
            throws: ConfigError(issues: [
                .init(path: ["ops", "a"], message: #"expected an object such as {"config": ...}, got 3"#),
                .init(path: ["ops", "b", "confg"], message: "unknown key; did you mean 'config'?"),
                .init(path: ["ops", "c", "inputs"], message: "unknown key; a step's config goes under 'config'"),
            ])
        ) {
            try RunConfig(Self.json(#"{"ops": {"a": 3, "b": {"confg": {}}, "c": {"inputs": {}}}}"#))
        }
        #expect(
            throws: ConfigError(issues: [
                .init(path: ["ops"], message: #"expected an object such as {"<step>": {"config": ...}}, got a list"#),
                .init(
                    path: ["resources"],
                    message: #"expected an object such as {"<resource key>": {"config": ...}}, got "x""#),
            ])
        ) {
            try RunConfig(Self.json(#"{"ops": [], "resources": "x"}"#))
        }
        #expect(
            throws: ConfigError(issues: [
                .init(
                    path: [],
                    message:
                        #"expected an object such as a run config {"ops": {"<step>": {"config": ...}}}, got a list"#)
            ])
        ) {
            try RunConfig(Self.json("[]"))
        }
    }

    @Test func validateResolvesEveryStep() throws {
        let config = try RunConfig(
            Self.json(
                #"{"ops": {"daily_highs": {"config": {"threshold": 90, "stations": ["SFO"], "window": {"size": 2, "unit": "days"}}}}}"#
            ))
        let resolved = try config.validate(
            against: ["daily_highs": .of(HighsConfig.self), "hottest": .defaults(Defaults())], steps: ["samples"])
        #expect(
            resolved["daily_highs"] as? HighsConfig
                == HighsConfig(threshold: 90, stations: ["SFO"], window: Window(size: 2, unit: .days)))
        #expect(resolved["hottest"] as? Defaults == Defaults())
        #expect(resolved.count == 2)
        #expect(try RunConfig.empty.validate(against: [:]).isEmpty)
    }

    @Test func validateCollectsTheProblemsOfAllSteps() throws {
        let config = try RunConfig(
            Self.json(
                #"{"ops": {"daily_higs": {"config": {}}, "samples": {"config": {"x": 1}}, "nowhere": {"config": 1}, "hottest": {"config": {"threshold": "x"}}}}"#
            ))
        let schemas: [String: ConfigSchema] = ["daily_highs": .of(Window.self), "hottest": .defaults(Defaults())]
        #expect(
            throws: ConfigError(issues: [
                .init(path: ["ops", "daily_higs"], message: "unknown step; did you mean 'daily_highs'?"),
                .init(
                    path: ["ops", "nowhere"],
                    message: "unknown step; the steps that take config are 'daily_highs', 'hottest'"),
                .init(path: ["ops", "samples"], message: "the step 'samples' takes no config; remove this entry"),
                .init(path: ["ops", "daily_highs", "config"], message: "missing required value 'size' (an integer)"),
                .init(
                    path: ["ops", "daily_highs", "config"],
                    message: #"missing required value 'unit' (one of "hours", "days")"#),
                .init(path: ["ops", "hottest", "config", "threshold"], message: #"expected a number, got "x""#),
            ])
        ) {
            try config.validate(against: schemas, steps: ["samples", "daily_highs", "hottest"])
        }
        #expect(
            throws: ConfigError(issues: [
                .init(path: ["ops", "sample"], message: "unknown step; did you mean 'samples'? (it takes no config)")
            ])
        ) {
            try RunConfig(ops: ["sample": .object([:])]).validate(against: [:], steps: ["samples"])
        }
    }

    @Test func errorDescriptionListsEveryProblem() {
        let error = ConfigError(issues: [
            .init(path: ["ops", "a", "config", "windows", "[2]", "size"], message: "expected an integer, got \"x\""),
            .init(path: ["ops", "b"], message: "unknown step"),
        ])
        #expect(
            error.description == """
                invalid run config (2 problems):
                  ops.a.config.windows[2].size: expected an integer, got "x"
                  ops.b: unknown step
                """)
        #expect(ConfigError(path: [], message: "oops").description == "invalid run config (1 problem):\n  oops")
        #expect(error.issues[0].dottedPath == "ops.a.config.windows[2].size")
    }

    @Test func roundTripsThroughJSON() throws {
        let text =
            #"{"ops":{"daily_highs":{"config":{"threshold":90,"window":{"size":2,"unit":"days"}}}},"resources":{"db":{"config":{"path":"x"}}}}"#
        let config = try JSONDecoder().decode(RunConfig.self, from: Data(text.utf8))
        #expect(config.json == Self.json(text))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(config), as: UTF8.self) == text)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(RunConfig.self, from: Data(#"{"solids": {}}"#.utf8))
        }
    }

    @Test func encoderWritesWhatTheDecoderReads() throws {
        let value = try Self.decode(Everything.self, Self.everything)
        let encoded = try JSONValueEncoder().encode(value)
        #expect(try ConfigDecoder().decode(Everything.self, from: encoded) == value)
        guard case .object(let object) = encoded else {
            Issue.record("expected an object")
            return
        }
        #expect(object["date"] == .string("2024-04-01T11:05:00Z"))
        #expect(object["url"] == .string("https://example.com/a?b=c"))
        #expect(object["maybe"] == nil)
    }
}
