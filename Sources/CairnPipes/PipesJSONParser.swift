/// Parses one line of JSON as Python's `json.dumps` writes it: standard JSON plus the bare
/// `NaN`, `Infinity` and `-Infinity`, with integers and floats kept apart. Input is bounded
/// by the caller (one line); nesting is bounded here.
struct PipesJSONParser {
    /// Why a line is not a JSON value.
    struct Failure: Error, CustomStringConvertible {
        let reason: String
        let offset: Int
        var description: String { "\(reason) at byte \(offset)" }
    }

    /// How deeply arrays and objects may nest.
    static let maxDepth = 64

    private let bytes: [UInt8]
    private var position = 0

    private init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Parses `bytes`, which must hold exactly one JSON value (whitespace around it is allowed).
    static func parse(_ bytes: [UInt8]) throws(Failure) -> PipesValue {
        var parser = PipesJSONParser(bytes)
        parser.skipWhitespace()
        let value = try parser.value(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw parser.failure("unexpected text after the value") }
        return value
    }

    private func failure(_ reason: String) -> Failure { Failure(reason: reason, offset: position) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> PipesValue {
        guard position < bytes.count else { throw failure("unexpected end of the line") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        case UInt8(ascii: "N"): return try literal("NaN", .float(.nan))
        case UInt8(ascii: "I"): return try literal("Infinity", .float(.infinity))
        case UInt8(ascii: "-"):
            if position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "I") {
                position += 1
                return try literal("Infinity", .float(-.infinity))
            }
            return try number()
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw failure("unexpected character '\(Character(Unicode.Scalar(bytes[position])))'")
        }
    }

    private mutating func literal(_ word: StaticString, _ result: PipesValue) throws(Failure) -> PipesValue {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("unexpected end of the line") }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw failure("unknown literal") }
        position += count
        return result
    }

    private mutating func number() throws(Failure) -> PipesValue {
        let start = position
        var isFloat = false
        position += 1  // a digit or the minus sign
        while position < bytes.count, Self.isNumberByte(bytes[position]) {
            switch bytes[position] {
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): isFloat = true
            default: break
            }
            position += 1
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isFloat {
            guard let value = Double(text) else { throw Failure(reason: "malformed number '\(text)'", offset: start) }
            return .float(value)
        }
        if let value = Int(text) { return .int(value) }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else {
            throw Failure(reason: "malformed number '\(text)'", offset: start)
        }
        guard digits.count <= 4_300 else { throw Failure(reason: "an integer has too many digits", offset: start) }
        return .bigInteger(text)
    }

    private static func isNumberByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"),
            UInt8(ascii: "+"), UInt8(ascii: "-"):
            true
        default: false
        }
    }

    private mutating func string() throws(Failure) -> String {
        position += 1  // the opening quote
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return try validated(bytes[start..<position], from: start)
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw failure("a control character inside a string") }
            position += 1
        }
        var scalars: [UInt8] = Array(bytes[start..<position])
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return try validated(scalars[...], from: start)
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { throw failure("unexpected end of the line") }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try hexQuad()
                    if (0xD800..<0xDC00).contains(scalar), position + 1 < bytes.count,
                        bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                    {
                        position += 2
                        let low = try hexQuad()
                        if (0xDC00..<0xE000).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            scalars.append(contentsOf: Array("\u{FFFD}".utf8))
                            scalar = low
                        }
                    }
                    let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                    scalars.append(contentsOf: Array(String(character).utf8))
                default: throw failure("unknown escape '\\\(Character(Unicode.Scalar(escape)))'")
                }
            default:
                if byte < 0x20 { throw failure("a control character inside a string") }
                scalars.append(byte)
                position += 1
            }
        }
        throw failure("a string is not closed")
    }

    private mutating func hexQuad() throws(Failure) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("unexpected end of the line") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw failure("a \\u escape needs four hexadecimal digits")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private func validated(_ utf8: ArraySlice<UInt8>, from start: Int) throws(Failure) -> String {
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw Failure(reason: "a string is not valid UTF-8", offset: start)
        }
        return string
    }

    private mutating func array(depth: Int) throws(Failure) -> PipesValue {
        guard depth <= Self.maxDepth else { throw failure("arrays and objects nest more than \(Self.maxDepth) deep") }
        position += 1
        var values: [PipesValue] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(values)
        }
        while true {
            skipWhitespace()
            values.append(try value(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw failure("an array is not closed") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(values)
            } else {
                throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func object(depth: Int) throws(Failure) -> PipesValue {
        guard depth <= Self.maxDepth else { throw failure("arrays and objects nest more than \(Self.maxDepth) deep") }
        position += 1
        var members: [(key: String, value: PipesValue)] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("expected a member name in an object")
            }
            let key = try string()
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw failure("expected ':' after a member name")
            }
            position += 1
            skipWhitespace()
            members.append((key, try value(depth: depth)))
            skipWhitespace()
            guard position < bytes.count else { throw failure("an object is not closed") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw failure("expected ',' or '}' in an object")
            }
        }
    }
}
