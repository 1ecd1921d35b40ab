import Cairn
import CairnYAML
import Foundation
import Testing

@Suite struct RunConfigFileTests {
    static func json(_ text: String) -> JSONValue {
        try! JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
    }

    /// Writes `text` to a new file named `name` in a fresh directory and returns its path.
    static func file(_ name: String, _ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-run-config-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    static func loadError(_ body: () throws -> Void) -> RunConfigFile.LoadError? {
        do {
            try body()
            return nil
        } catch {
            return error as? RunConfigFile.LoadError
        }
    }

    @Test func yamlScalarsFollowTheCoreSchema() throws {
        let yaml = """
            int: 3
            negative: -17
            hex: 0x1F
            octal: 0o17
            float: 2.5
            exponent: 1e3
            dot: .5
            infinity: -.inf
            yes_flag: true
            no_flag: FALSE
            tilde: ~
            null_word: null
            empty:
            quoted_number: "3"
            single_quoted: 'true'
            word_yes: yes
            word_on: on
            underscores: 1_000
            version: 1.2.3
            date: 2024-04-01
            tagged_string: !!str 3
            tagged_int: !!int "42"
            text: hello world
            """
        let value = try RunConfigFile.parse(yaml: yaml, path: "run.yaml")
        #expect(
            value
                == .object([
                    "int": .number(3), "negative": .number(-17), "hex": .number(31), "octal": .number(15),
                    "float": .number(2.5), "exponent": .number(1000), "dot": .number(0.5),
                    "infinity": .number(-.infinity),
                    "yes_flag": .bool(true), "no_flag": .bool(false), "tilde": .null, "null_word": .null,
                    "empty": .null,
                    "quoted_number": .string("3"), "single_quoted": .string("true"), "word_yes": .string("yes"),
                    "word_on": .string("on"), "underscores": .string("1_000"), "version": .string("1.2.3"),
                    "date": .string("2024-04-01"), "tagged_string": .string("3"), "tagged_int": .number(42),
                    "text": .string("hello world"),
                ]))
    }

    @Test func yamlCollectionsAnchorsAndMerges() throws {
        let yaml = """
            defaults: &defaults
              threshold: 90
              stations: [SFO, OAK]
            ops:
              daily_highs:
                config:
                  <<: *defaults
                  threshold: 95
              hottest:
                config: *defaults
            """
        let value = try RunConfigFile.parse(yaml: yaml, path: "run.yaml")
        #expect(
            value
                == Self.json(
                    #"""
                    {"defaults": {"threshold": 90, "stations": ["SFO", "OAK"]},
                     "ops": {"daily_highs": {"config": {"threshold": 95, "stations": ["SFO", "OAK"]}},
                             "hottest": {"config": {"threshold": 90, "stations": ["SFO", "OAK"]}}}}
                    """#))
    }

    @Test func yamlSyntaxErrorsNameTheFileLineAndColumn() {
        let error = Self.loadError {
            _ = try RunConfigFile.parse(yaml: "ops:\n  daily_highs:\n    config: {threshold: 3\n", path: "run.yaml")
        }
        #expect(error?.path == "run.yaml")
        #expect(error?.line == 4)
        #expect(error?.column == 1)
        #expect(error?.description.hasPrefix("run.yaml:4:1: invalid YAML: ") == true)

        let indentation = Self.loadError {
            _ = try RunConfigFile.parse(yaml: "ops:\n  a: 1\n b: 2\n", path: "run.yaml")
        }
        #expect(indentation?.line == 3)
        #expect(indentation?.description.hasPrefix("run.yaml:3:2: invalid YAML: ") == true)
    }

    @Test func yamlDuplicateKeysAndBadTagsAreErrors() {
        let duplicate = Self.loadError { _ = try RunConfigFile.parse(yaml: "a: 1\nb: 2\na: 3\n", path: "run.yaml") }
        #expect(duplicate?.line == 1)
        #expect(duplicate?.description.hasPrefix("run.yaml:1:1: invalid YAML: duplicate key 'a'") == true)

        let tag = Self.loadError { _ = try RunConfigFile.parse(yaml: "a: !!int three\n", path: "run.yaml") }
        #expect(tag?.description.hasPrefix("run.yaml:1:4: 'three' is not an !!int") == true)

        let custom = Self.loadError { _ = try RunConfigFile.parse(yaml: "a: !secret x\n", path: "run.yaml") }
        #expect(custom?.description.hasPrefix("run.yaml:1:4: the tag '!secret' is not supported in run config") == true)

        let key = Self.loadError { _ = try RunConfigFile.parse(yaml: "[a]: 1\n", path: "run.yaml") }
        #expect(key?.description.hasPrefix("run.yaml:1:1: a key must be a string") == true)
    }

    @Test func loadsEachFormatFromAFile() throws {
        let yaml = try Self.file("run.yaml", "ops:\n  daily_highs:\n    config:\n      threshold: 90\n")
        let yml = try Self.file("run.yml", "ops: {daily_highs: {config: {threshold: 90}}}\n")
        let json = try Self.file("run.json", #"{"ops": {"daily_highs": {"config": {"threshold": 90}}}}"#)
        let expected = Self.json(#"{"ops": {"daily_highs": {"config": {"threshold": 90}}}}"#)
        #expect(try RunConfigFile.load(path: yaml) == expected)
        #expect(try RunConfigFile.load(path: yml) == expected)
        #expect(try RunConfigFile.load(path: json) == expected)
        #expect(try RunConfigFile.load(path: Self.file("empty.yaml", "")) == .null)
        #expect(
            try RunConfig(RunConfigFile.load(path: yaml)).config(forStep: "daily_highs")
                == Self.json(#"{"threshold": 90}"#))
    }

    @Test func jsonErrorsNameTheFileLineAndColumn() throws {
        let path = try Self.file("run.json", "{\n  \"ops\": {\n    \"a\": 1 x\n  }\n}\n")
        let error = Self.loadError { _ = try RunConfigFile.load(path: path) }
        #expect(error?.path == path)
        #expect(error?.line == 3)
        #expect(error?.column == 12)
        #expect(error?.description == "\(path):3:12: invalid JSON: invalid value")
        let empty = Self.loadError { _ = try RunConfigFile.load(path: try Self.file("empty.json", "")) }
        #expect(
            empty?.description.hasSuffix("empty.json: invalid JSON: unexpected end of file during JSON parse") == true)
    }

    @Test func badPathsAndExtensions() throws {
        let missing = Self.loadError { _ = try RunConfigFile.load(path: "/nonexistent/run.yaml") }
        #expect(missing?.description == "/nonexistent/run.yaml: the file does not exist")
        let toml = Self.loadError { _ = try RunConfigFile.load(path: "run.toml") }
        #expect(toml?.description == "run.toml: a run config file ends in .json, .yaml or .yml")
    }

    @Test func runConfigThatExpandsOrNestsWithoutEndIsRefused() throws {
        var yaml = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            yaml +=
                "l\(level): &l\(level) ["
                + Array(repeating: "*\(level == 1 ? "a" : "l\(level - 1)")", count: 10)
                .joined(separator: ", ") + "]\n"
        }
        let started = ContinuousClock.now
        #expect(throws: RunConfigFile.LoadError.self) { try RunConfigFile.parse(yaml: yaml, path: "laughs.yaml") }
        #expect(ContinuousClock.now - started < .seconds(5))
        do {
            _ = try RunConfigFile.parse(yaml: yaml, path: "laughs.yaml")
        } catch {
            #expect("\(error)".contains("expands to more than 100000 values"))
        }
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: RunConfigFile.LoadError.self) { try RunConfigFile.parse(yaml: deep, path: "deep.yaml") }
        // Closing brackets in strings hide levels from the quick count; libyaml's bound and the
        // reader's still refuse the document, without recursing into all of it.
        let hidden = String(repeating: "[\"]\", ", count: 2_000) + "x" + String(repeating: "]", count: 2_000)
        #expect(throws: RunConfigFile.LoadError.self) { try RunConfigFile.parse(yaml: hidden, path: "hidden.yaml") }
        let justUnderLibYAML = String(repeating: "[\"]\", ", count: 900) + "x" + String(repeating: "]", count: 900)
        #expect(throws: RunConfigFile.LoadError.self) {
            try RunConfigFile.parse(yaml: justUnderLibYAML, path: "deep.yaml")
        }
        let indented = (0..<300).map { String(repeating: " ", count: $0) + "- a" }.joined(separator: "\n")
        #expect(throws: RunConfigFile.LoadError.self) { try RunConfigFile.parse(yaml: indented, path: "i.yaml") }
        let huge = String(repeating: "a", count: RunConfigFile.maxBytes + 1)
        #expect(throws: RunConfigFile.LoadError.self) { try RunConfigFile.parse(json: "\"\(huge)\"", path: "h.json") }
        #expect(try RunConfigFile.parse(yaml: "ops: {x: {config: {n: &n 3, m: *n}}}", path: "ok.yaml") != .null)
    }
}
