import Cairn
import Foundation
import Yams

/// Reads a run config file, `.json`, `.yaml` or `.yml`, into a `JSONValue`.
///
/// YAML scalars are read by the YAML 1.2 core schema, as Dagster's own YAML files are meant:
/// `3` is a number, `true` a boolean, `~` and `null` are null, `yes` and `"3"` are strings. Anchors,
/// aliases and `<<` merge keys are followed. Errors name the file and the line and column.
public enum RunConfigFile {
    /// What is wrong with a run config file, and where.
    public struct LoadError: Error, Sendable, CustomStringConvertible {
        /// The path of the file, as given.
        public let path: String
        /// The line of the problem, counted from 1, when it is known.
        public let line: Int?
        /// The column of the problem, counted from 1, when it is known.
        public let column: Int?
        /// What is wrong.
        public let problem: String
        /// The line of the file with a caret under the column, when it is known.
        public let snippet: String?

        init(path: String, line: Int? = nil, column: Int? = nil, problem: String, snippet: String? = nil) {
            self.path = path
            self.line = line
            self.column = column
            self.problem = problem
            self.snippet = snippet
        }

        init(path: String, mark: Mark?, problem: String, in text: String) {
            let snippet = mark.map { $0.snippet(from: text) }.flatMap { $0.isEmpty ? nil : $0 }
            self.init(path: path, line: mark?.line, column: mark?.column, problem: problem, snippet: snippet)
        }

        /// `run.yaml:3:5: problem`, then the offending line and a caret when known.
        public var description: String {
            var location = path
            if let line {
                location += ":\(line)"
                if let column { location += ":\(column)" }
            }
            let text = "\(location): \(problem)"
            guard let snippet else { return text }
            return text + "\n"
                + snippet.split(separator: "\n", omittingEmptySubsequences: false)
                .map { "    " + $0 }.joined(separator: "\n")
        }
    }

    /// The largest run config text, in bytes.
    public static let maxBytes = 1 << 20
    /// The most values (scalars, lists, mappings) a YAML document may expand to through its
    /// aliases: a few anchors nested a few levels deep would otherwise expand to billions.
    public static let maxValues = 100_000
    /// The deepest nesting of lists and mappings.
    public static let maxDepth = 64

    /// The config in the file at `path`; an empty YAML file is `null`, the empty run config.
    public static func load(path: String) throws -> JSONValue {
        let format = URL(fileURLWithPath: path).pathExtension.lowercased()
        guard ["json", "yaml", "yml"].contains(format) else {
            throw LoadError(path: path, problem: "a run config file ends in .json, .yaml or .yml")
        }
        let data: Data
        do {
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            guard size <= maxBytes else {
                throw LoadError(path: path, problem: "the file is \(size) bytes; a run config has at most \(maxBytes)")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as LoadError {
            throw error
        } catch {
            let reason =
                FileManager.default.fileExists(atPath: path)
                ? "cannot be read (\(error.localizedDescription))" : "does not exist"
            throw LoadError(path: path, problem: "the file \(reason)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(path: path, problem: "the file is not UTF-8 text")
        }
        return format == "json" ? try parse(json: text, path: path) : try parse(yaml: text, path: path)
    }

    /// Reads JSON text; `path` is for messages.
    public static func parse(json text: String, path: String) throws -> JSONValue {
        try checkSize(of: text, path: path)
        let data = Data(text.utf8)
        do {
            return try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            // JSONSerialization says where the text goes wrong; JSONDecoder does not.
            var problem = "the text is not valid JSON"
            var line: Int?
            var column: Int?
            do {
                _ = try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)
            } catch let error as NSError {
                if let message = error.userInfo[NSDebugDescriptionErrorKey] as? String {
                    (line, column) = location(in: message, of: data)
                    problem = message
                    if let range = problem.range(of: " around ") { problem = String(problem[..<range.lowerBound]) }
                    if problem.hasSuffix(".") { problem.removeLast() }
                    problem = problem.prefix(1).lowercased() + problem.dropFirst()
                }
            }
            throw LoadError(path: path, line: line, column: column, problem: "invalid JSON: " + problem)
        }
    }

    /// The line and column of a JSON error: Foundation says `around line 2, column 3` on some
    /// platforms and `around character 24` (a byte offset from 0) on others.
    private static func location(in message: String, of data: Data) -> (Int?, Int?) {
        func number(after word: String) -> Int? {
            guard let range = message.range(of: word) else { return nil }
            return Int(message[range.upperBound...].prefix { $0.isNumber })
        }
        if let line = number(after: "line "), let column = number(after: "column ") { return (line, column) }
        guard let offset = number(after: "character "), offset <= data.count else { return (nil, nil) }
        let before = data.prefix(offset)
        let line = before.count { $0 == UInt8(ascii: "\n") } + 1
        let lineStart = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? before.startIndex
        let column = String(decoding: before[lineStart...], as: UTF8.self).unicodeScalars.count + 1
        return (line, column)
    }

    /// Reads YAML text, a single document; `path` is for messages.
    public static func parse(yaml text: String, path: String) throws -> JSONValue {
        try checkSize(of: text, path: path)
        try checkNesting(of: text, path: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text, .basic)
        } catch let error as YamlError {
            throw loadError(error, path: path, text: text)
        }
        guard let root else { return .null }
        return try YAMLReader(path: path, text: text, budget: YAMLReader.Budget()).value(of: root, depth: 0)
    }

    /// Refuses text longer than `maxBytes`.
    private static func checkSize(of text: String, path: String) throws {
        guard text.utf8.count <= maxBytes else {
            throw LoadError(
                path: path, problem: "the text is \(text.utf8.count) bytes; a run config has at most \(maxBytes)")
        }
    }

    /// Refuses at once text that nests flow lists or mappings (`[[[…`) or indents lines deeper
    /// than a run config can mean. Brackets are counted wherever they stand, in quoted scalars and
    /// comments too, so a `]` in a string can hide a level: the bounds that hold whatever the text
    /// are libyaml's 1,000 levels, before anything recurses, and `maxDepth` while values are read.
    private static func checkNesting(of text: String, path: String) throws {
        var depth = 0
        var line = 1
        var atLineStart = true
        var indentation = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                (line, atLineStart, indentation) = (line + 1, true, 0)
                continue
            }
            if atLineStart {
                if byte == UInt8(ascii: " ") {
                    indentation += 1
                    guard indentation <= maxDepth * 4 else {
                        throw LoadError(
                            path: path, line: line, problem: "the line is indented deeper than \(maxDepth * 4) spaces")
                    }
                    continue
                }
                atLineStart = false
            }
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                guard depth <= maxDepth else {
                    throw LoadError(
                        path: path, line: line, problem: "lists and mappings nest deeper than \(maxDepth) levels")
                }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
    }

    private static func loadError(_ error: YamlError, path: String, text: String) -> LoadError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return LoadError(path: path, mark: mark, problem: "invalid YAML: \(problem)\(detail)", in: text)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return LoadError(
                path: path, mark: context.mark, problem: "invalid YAML: duplicate key \(keys) in a mapping", in: text)
        case .reader(let problem, let offset, _, _):
            return LoadError(path: path, problem: "invalid YAML: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
        default:
            return LoadError(path: path, problem: "invalid YAML: \(error)")
        }
    }

    /// Turns composed YAML nodes into JSON values.
    private struct YAMLReader {
        /// How many more values the document may expand to.
        final class Budget {
            /// The values still allowed.
            var remaining = RunConfigFile.maxValues
        }

        let path: String
        let text: String
        /// The values the document may still expand to, shared by the whole reading.
        let budget: Budget

        func value(of node: Node, depth: Int) throws -> JSONValue {
            budget.remaining -= 1
            guard budget.remaining >= 0 else {
                throw fail(
                    at: node.mark,
                    "the document expands to more than \(RunConfigFile.maxValues) values (through aliases of anchors?); "
                        + "a run config is not that large")
            }
            guard depth < RunConfigFile.maxDepth else {
                throw fail(at: node.mark, "lists and mappings nest deeper than \(RunConfigFile.maxDepth) levels")
            }
            switch node {
            case .scalar(let scalar):
                return try value(of: scalar)
            case .sequence(let sequence):
                return .array(try sequence.map { try value(of: $0, depth: depth + 1) })
            case .mapping(let mapping):
                return try object(of: mapping, depth: depth + 1)
            case .alias(let alias):
                throw fail(at: alias.mark, "the alias *\(alias.anchor.rawValue) has no anchor")
            }
        }

        private func object(of mapping: Node.Mapping, depth: Int) throws -> JSONValue {
            var object: [String: JSONValue] = [:]
            var merged: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw fail(at: key.mark, "a key must be a string, not a list or a mapping")
                }
                if keyScalar.string == "<<", keyScalar.style == .plain {
                    try merge(value, into: &merged, depth: depth)
                    continue
                }
                guard object[keyScalar.string] == nil else {
                    throw fail(at: key.mark, "duplicate key '\(keyScalar.string)' in a mapping")
                }
                object[keyScalar.string] = try self.value(of: value, depth: depth)
            }
            return .object(object.merging(merged) { given, _ in given })
        }

        /// Adds the keys of the mapping (or list of mappings) after `<<`; earlier mappings win.
        private func merge(_ node: Node, into merged: inout [String: JSONValue], depth: Int) throws {
            let sources: [Node]
            switch node {
            case .mapping: sources = [node]
            case .sequence(let sequence): sources = Array(sequence)
            default: throw fail(at: node.mark, "'<<' merges a mapping or a list of mappings")
            }
            for source in sources {
                guard case .mapping(let mapping) = source,
                    case .object(let keys) = try object(of: mapping, depth: depth)
                else {
                    throw fail(at: source.mark, "'<<' merges a mapping or a list of mappings")
                }
                merged.merge(keys) { earlier, _ in earlier }
            }
        }

        /// A scalar by the YAML 1.2 core schema; quoted scalars and those tagged `!!str` are strings.
        private func value(of scalar: Node.Scalar) throws -> JSONValue {
            let text = scalar.string
            switch scalar.tag.description {
            case Tag.Name.implicit.rawValue:
                return scalar.style == .plain ? Self.core(text) : .string(text)
            case Tag.Name.nonSpecific.rawValue, Tag.Name.str.rawValue, Tag.Name.timestamp.rawValue,
                Tag.Name.binary.rawValue:
                return .string(text)
            case Tag.Name.int.rawValue:
                guard let number = Self.integer(text) else { throw fail(at: scalar.mark, "'\(text)' is not an !!int") }
                return .number(number)
            case Tag.Name.float.rawValue:
                guard let number = Self.integer(text) ?? Self.float(text) else {
                    throw fail(at: scalar.mark, "'\(text)' is not a !!float")
                }
                return .number(number)
            case Tag.Name.bool.rawValue:
                guard case .bool(let value) = Self.core(text) else {
                    throw fail(at: scalar.mark, "'\(text)' is not a !!bool (true or false)")
                }
                return .bool(value)
            case Tag.Name.null.rawValue:
                guard Self.core(text) == .null else { throw fail(at: scalar.mark, "'\(text)' is not !!null") }
                return .null
            case let tag:
                throw fail(at: scalar.mark, "the tag '\(tag)' is not supported in run config")
            }
        }

        private func fail(at mark: Mark?, _ problem: String) -> LoadError {
            LoadError(path: path, mark: mark, problem: problem, in: text)
        }

        /// The value of a plain scalar: null, a boolean, an integer, a float, or else a string.
        static func core(_ text: String) -> JSONValue {
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE": return .bool(true)
            case "false", "False", "FALSE": return .bool(false)
            default: break
            }
            if let number = integer(text) ?? float(text) { return .number(number) }
            return .string(text)
        }

        /// `[-+]?[0-9]+`, `0o[0-7]+` or `0x[0-9a-fA-F]+`.
        static func integer(_ text: String) -> Double? {
            var digits = Substring(text)
            if digits.hasPrefix("0o") {
                digits = digits.dropFirst(2)
                guard !digits.isEmpty, digits.allSatisfy({ ("0"..."7").contains($0) }) else { return nil }
                return digits.reduce(0) { $0 * 8 + Double($1.wholeNumberValue!) }
            }
            if digits.hasPrefix("0x") {
                digits = digits.dropFirst(2)
                guard !digits.isEmpty, digits.allSatisfy(\.isHexDigit) else { return nil }
                return digits.reduce(0) { $0 * 16 + Double($1.hexDigitValue!) }
            }
            let negative = digits.first == "-"
            if negative || digits.first == "+" { digits = digits.dropFirst() }
            guard !digits.isEmpty, digits.allSatisfy({ ("0"..."9").contains($0) }) else { return nil }
            let magnitude = Double(digits)!
            return negative ? -magnitude : magnitude
        }

        /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?.inf` or `.nan`.
        static func float(_ text: String) -> Double? {
            switch text {
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
            case "-.inf", "-.Inf", "-.INF": return -.infinity
            case ".nan", ".NaN", ".NAN": return .nan
            default: break
            }
            var rest = Substring(text)
            if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
            let whole = rest.prefix { ("0"..."9").contains($0) }
            rest = rest.dropFirst(whole.count)
            var fraction = Substring()
            if rest.first == "." {
                rest = rest.dropFirst()
                fraction = rest.prefix { ("0"..."9").contains($0) }
                rest = rest.dropFirst(fraction.count)
            }
            guard !whole.isEmpty || !fraction.isEmpty else { return nil }
            if rest.first == "e" || rest.first == "E" {
                rest = rest.dropFirst()
                if rest.first == "-" || rest.first == "+" { rest = rest.dropFirst() }
                let exponent = rest.prefix { ("0"..."9").contains($0) }
                guard !exponent.isEmpty else { return nil }
                rest = rest.dropFirst(exponent.count)
            }
            guard rest.isEmpty else { return nil }
            return Double(text.hasPrefix("+") ? String(text.dropFirst()) : text)
        }
    }
}

extension RunConfigFile {
    /// The line of the YAML text where the value at `path` (`["ops", "step", "config", "field"]`) is,
    /// or of the deepest part of the path that exists; `nil` when the text does not parse.
    public static func line(of path: [String], inYAML text: String) -> Int? {
        guard var node = try? Yams.compose(yaml: text, .basic) else { return nil }
        var line = node.mark?.line
        for component in path {
            guard let mapping = node.mapping,
                let entry = mapping.first(where: { $0.key.string == component })
            else { break }
            line = entry.key.mark?.line ?? line
            node = entry.value
        }
        return line
    }
}

extension RunConfigFile.LoadError: UserError {}
