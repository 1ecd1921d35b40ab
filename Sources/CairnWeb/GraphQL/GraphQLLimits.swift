import GraphQL

/// The bounds a GraphQL request must stay within before it reaches the parser, checked by one
/// linear scan of its text: the parser and validator recurse over nesting (a query nested 900
/// levels deep overflowed the stack) and nested list literals cost time exponential in their
/// depth, so nothing deeper, longer or wider than a real query gets to them.
struct GraphQLLimits: Sendable {
    /// The longest query text, in bytes.
    var maxQueryBytes = 64 * 1024
    /// The deepest nesting of selection sets and input objects (`{`).
    var maxDepth = 24
    /// The deepest nesting of list values and list types (`[`); Cairn's arguments take flat lists.
    var maxListDepth = 2
    /// The deepest nesting of argument lists (`(`).
    var maxArgumentDepth = 1
    /// The most aliases (`name: field`) in one request.
    var maxAliases = 64
    /// The most names (fields, arguments, types, keywords) in one request.
    var maxNames = 4_000
    /// The deepest nesting of the variables' JSON (objects and arrays).
    var maxVariablesDepth = 8

    /// Why a request was refused: the limit it passed, named.
    struct Exceeded: Error, Sendable, Equatable, CustomStringConvertible {
        /// What is wrong, naming the limit and how to stay within it.
        let description: String
    }

    /// Checks the query text.
    ///
    /// - Throws: `Exceeded` naming the first limit passed.
    func check(query: String) throws(Exceeded) {
        let bytes = Array(query.utf8)
        guard bytes.count <= maxQueryBytes else {
            throw Exceeded(description: "the query is \(bytes.count) bytes long; the limit is \(maxQueryBytes) bytes")
        }
        // The bounded nestings: selections and input objects, lists, argument lists.
        let nestings: [(open: UInt8, close: UInt8, limit: Int, what: String)] = [
            (UInt8(ascii: "{"), UInt8(ascii: "}"), maxDepth, "selections"),
            (UInt8(ascii: "["), UInt8(ascii: "]"), maxListDepth, "lists"),
            (UInt8(ascii: "("), UInt8(ascii: ")"), maxArgumentDepth, "argument lists"),
        ]
        var depths = [0, 0, 0]
        var (aliases, names) = (0, 0)
        var index = 0
        func isNameStart(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
        }
        func isNameContinuation(_ byte: UInt8) -> Bool {
            isNameStart(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        }
        while index < bytes.count {
            let byte = bytes[index]
            if let kind = nestings.firstIndex(where: { $0.open == byte }) {
                depths[kind] += 1
                let (limit, what) = (nestings[kind].limit, nestings[kind].what)
                guard depths[kind] <= limit else {
                    throw Exceeded(
                        description: "the query nests \(what) deeper than \(limit) level\(limit == 1 ? "" : "s")")
                }
                index += 1
                continue
            }
            if let kind = nestings.firstIndex(where: { $0.close == byte }) {
                depths[kind] -= 1
                guard depths[kind] >= 0 else {
                    throw Exceeded(
                        description: "the query closes a '\(Character(Unicode.Scalar(byte)))' it never opened")
                }
                index += 1
                continue
            }
            switch byte {
            case UInt8(ascii: "#"):
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n"), bytes[index] != UInt8(ascii: "\r") {
                    index += 1
                }
                continue
            case UInt8(ascii: "\""):
                index = Self.endOfString(in: bytes, at: index)
                continue
            case UInt8(ascii: ":") where depths[2] == 0 && depths[0] > 0:
                // Outside arguments, a colon in a selection set can only follow an alias.
                aliases += 1
                guard aliases <= maxAliases else {
                    throw Exceeded(description: "the query has more than \(maxAliases) aliases")
                }
            default:
                if isNameStart(byte) {
                    names += 1
                    guard names <= maxNames else {
                        throw Exceeded(
                            description: "the query has more than \(maxNames) names (fields, arguments, types)")
                    }
                    while index < bytes.count, isNameContinuation(bytes[index]) { index += 1 }
                    continue
                }
            }
            index += 1
        }
    }

    /// Checks the nesting of the variables' JSON.
    ///
    /// - Throws: `Exceeded` when objects and arrays nest deeper than `maxVariablesDepth`.
    func check(variables: [String: Map]) throws(Exceeded) {
        func depth(_ value: Map) -> Int {
            switch value {
            case .array(let items): 1 + (items.lazy.map(depth).max() ?? 0)
            case .dictionary(let fields): 1 + (fields.values.lazy.map(depth).max() ?? 0)
            default: 0
            }
        }
        guard variables.values.allSatisfy({ depth($0) <= maxVariablesDepth }) else {
            throw Exceeded(description: "the variables nest deeper than \(maxVariablesDepth) levels")
        }
    }

    /// The index after the string or block string that starts at `start`, as GraphQL's lexer
    /// reads them: in a string `\\` escapes the next character and a line break ends it; in a
    /// block string only `\\"""` is an escape.
    private static func endOfString(in bytes: [UInt8], at start: Int) -> Int {
        let quote = UInt8(ascii: "\"")
        let backslash = UInt8(ascii: "\\")
        func isTripleQuote(at index: Int) -> Bool {
            index + 2 < bytes.count && bytes[index] == quote && bytes[index + 1] == quote && bytes[index + 2] == quote
        }
        let isBlock = isTripleQuote(at: start)
        var index = start + (isBlock ? 3 : 1)
        while index < bytes.count {
            if isBlock {
                if bytes[index] == backslash, isTripleQuote(at: index + 1) {
                    index += 4
                    continue
                }
                if isTripleQuote(at: index) { return index + 3 }
            } else {
                if bytes[index] == backslash {
                    index += 2
                    continue
                }
                if bytes[index] == quote || bytes[index] == UInt8(ascii: "\n") || bytes[index] == UInt8(ascii: "\r") {
                    return index + 1
                }
            }
            index += 1
        }
        return index
    }
}
