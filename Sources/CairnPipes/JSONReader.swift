/// Reads JSON as Python's `json.dumps` writes it (standard JSON plus bare `NaN`, `Infinity` and
/// `-Infinity`), integers and floats kept apart, nesting bounded: whole values for Pipes
/// messages, or member by member, skipping what is not needed, for a dbt manifest of tens of
/// megabytes.
package struct JSONReader {
    /// Why the text is not JSON.
    package struct Failure: Error, CustomStringConvertible {
        let reason: String
        let offset: Int
        /// The reason and where.
        package var description: String { "\(reason) at byte \(offset)" }
    }

    /// A member name, compared without making a `String` of it.
    package struct Key {
        fileprivate let bytes: UnsafeBufferPointer<UInt8>

        /// Whether the name is `name`.
        package static func == (key: Key, name: StaticString) -> Bool {
            name.withUTF8Buffer { expected in
                expected.count == key.bytes.count
                    && memcmp(expected.baseAddress!, key.bytes.baseAddress!, expected.count) == 0
            }
        }

        /// The name as a string, its escapes decoded.
        package var string: String {
            get throws(Failure) {
                guard bytes.contains(UInt8(ascii: "\\")) else { return String(decoding: bytes, as: UTF8.self) }
                return try JSONReader.unescaped(bytes, from: 0)
            }
        }
    }

    /// How deeply arrays and objects may nest.
    package static let maxDepth = 64

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses `bytes`, which must hold exactly one JSON value (whitespace around it is allowed).
    package static func parse(_ bytes: [UInt8]) throws(Failure) -> PipesValue {
        try read(bytes) { reader throws(Failure) in try reader.value() }
    }

    /// Reads `bytes` with `body`, which must consume exactly one JSON value.
    package static func read<Result>(
        _ bytes: [UInt8], _ body: (inout JSONReader) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        let outcome: Swift.Result<Result, Failure> = bytes.withUnsafeBufferPointer { buffer in
            var reader = JSONReader(buffer)
            do {
                reader.skipWhitespace()
                let result = try body(&reader)
                reader.skipWhitespace()
                guard reader.position == buffer.count else { throw reader.failure("unexpected text after the value") }
                return .success(result)
            } catch let failure as Failure {
                return .failure(failure)
            } catch {
                return .failure(reader.failure("\(error)"))
            }
        }
        return try outcome.get()
    }

    /// A failure at the current position.
    package func failure(_ reason: String) -> Failure { Failure(reason: reason, offset: position) }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func peek() throws(Failure) -> UInt8 {
        guard position < bytes.count else { throw failure("unexpected end of the text") }
        return bytes[position]
    }

    /// Whether the next value is `null`; consumes it if so.
    package mutating func readNull() throws(Failure) -> Bool {
        skipWhitespace()
        guard try peek() == UInt8(ascii: "n") else { return false }
        _ = try literal("null", .null)
        return true
    }

    /// Reads a whole value.
    package mutating func value() throws(Failure) -> PipesValue {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "{"):
            var members: [(key: String, value: PipesValue)] = []
            try object { (key, reader) throws(Failure) in members.append((try key.string, try reader.value())) }
            return .object(members)
        case UInt8(ascii: "["):
            var values: [PipesValue] = []
            try array { (reader) throws(Failure) in values.append(try reader.value()) }
            return .array(values)
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
        case let other: throw failure("unexpected character '\(Character(Unicode.Scalar(other)))'")
        }
    }

    /// Skips a value without building it.
    package mutating func skipValue() throws(Failure) {
        skipWhitespace()
        switch try peek() {
        case UInt8(ascii: "{"): try object { (_, reader) throws(Failure) in try reader.skipValue() }
        case UInt8(ascii: "["): try array { (reader) throws(Failure) in try reader.skipValue() }
        case UInt8(ascii: "\""): try skipString()
        default: _ = try value()
        }
    }

    /// Reads an object, calling `member` with each name; `member` must consume the value.
    package mutating func object(_ member: (Key, inout JSONReader) throws(Failure) -> Void) throws(Failure) {
        skipWhitespace()
        guard try peek() == UInt8(ascii: "{") else { throw failure("expected an object") }
        try enter()
        defer { depth -= 1 }
        position += 1
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a member name in an object") }
            let key = try rawString()
            skipWhitespace()
            guard try peek() == UInt8(ascii: ":") else { throw failure("expected ':' after a member name") }
            position += 1
            try member(key, &self)
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "}"):
                position += 1
                return
            default: throw failure("expected ',' or '}' in an object")
            }
        }
    }

    /// Reads an array, calling `element` for each element; `element` must consume it.
    package mutating func array(_ element: (inout JSONReader) throws(Failure) -> Void) throws(Failure) {
        skipWhitespace()
        guard try peek() == UInt8(ascii: "[") else { throw failure("expected an array") }
        try enter()
        defer { depth -= 1 }
        position += 1
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return
        }
        while true {
            try element(&self)
            skipWhitespace()
            switch try peek() {
            case UInt8(ascii: ","): position += 1
            case UInt8(ascii: "]"):
                position += 1
                return
            default: throw failure("expected ',' or ']' in an array")
            }
        }
    }

    private mutating func enter() throws(Failure) {
        depth += 1
        guard depth <= Self.maxDepth else { throw failure("arrays and objects nest more than \(Self.maxDepth) deep") }
    }

    private mutating func literal(_ word: StaticString, _ result: PipesValue) throws(Failure) -> PipesValue {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw failure("unexpected end of the text") }
        let matches = word.withUTF8Buffer { expected in
            memcmp(expected.baseAddress!, bytes.baseAddress! + position, count) == 0
        }
        guard matches else { throw failure("unknown literal") }
        position += count
        return result
    }

    private mutating func number() throws(Failure) -> PipesValue {
        let start = position
        var isFloat = false
        position += 1  // a digit or the minus sign
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"): position += 1
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"):
                isFloat = true
                position += 1
            default:
                return try number(from: start, isFloat: isFloat)
            }
        }
        return try number(from: start, isFloat: isFloat)
    }

    private func number(from start: Int, isFloat: Bool) throws(Failure) -> PipesValue {
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        if isFloat {
            guard let value = Double(text) else { throw Failure(reason: "malformed number '\(text)'", offset: start) }
            return .float(value)
        }
        if let value = Int(text) { return .int(value) }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw Failure(reason: "malformed number '\(text)'", offset: start)
        }
        guard digits.count <= 4_300 else { throw Failure(reason: "an integer has too many digits", offset: start) }
        return .bigInteger(text)
    }

    /// Reads a string.
    package mutating func string() throws(Failure) -> String {
        skipWhitespace()
        guard try peek() == UInt8(ascii: "\"") else { throw failure("expected a string") }
        let start = position + 1
        let raw = try rawString()
        // Without escapes, the bytes are the string.
        if !raw.bytes.contains(UInt8(ascii: "\\")) { return try Self.validated(raw.bytes[...], from: start) }
        return try Self.unescaped(raw.bytes, from: start)
    }

    /// The text of a string's bytes between its quotes, its escapes decoded.
    fileprivate static func unescaped(_ text: UnsafeBufferPointer<UInt8>, from start: Int) throws(Failure) -> String {
        var scalars: [UInt8] = []
        scalars.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                scalars.append(byte)
                continue
            }
            let escape = text[index]
            index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hexQuad(text, at: index, from: start)
                index += 4
                if (0xD800..<0xDC00).contains(scalar), index + 6 <= text.count,
                    text[index] == UInt8(ascii: "\\"), text[index + 1] == UInt8(ascii: "u")
                {
                    let low = try hexQuad(text, at: index + 2, from: start)
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        index += 6
                    }
                }
                scalars.append(contentsOf: Array(String(Unicode.Scalar(scalar) ?? "\u{FFFD}").utf8))
            default:
                throw Failure(reason: "unknown escape '\\\(Character(Unicode.Scalar(escape)))'", offset: start + index)
            }
        }
        return try scalars.withUnsafeBufferPointer { buffer throws(Failure) in
            try Self.validated(buffer[...], from: start)
        }
    }

    /// The bytes between the quotes of a string, escapes left as they are; checks that it is
    /// closed and holds no control character.
    private mutating func rawString() throws(Failure) -> Key {
        position += 1
        let start = position
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                let key = Key(bytes: UnsafeBufferPointer(rebasing: bytes[start..<position]))
                position += 1
                return key
            case UInt8(ascii: "\\"): position += 2
            case 0..<0x20: throw failure("a control character inside a string")
            default: position += 1
            }
        }
        throw failure("a string is not closed")
    }

    private mutating func skipString() throws(Failure) {
        _ = try rawString()
    }

    private static func hexQuad(_ text: UnsafeBufferPointer<UInt8>, at index: Int, from start: Int) throws(Failure)
        -> UInt32
    {
        guard index + 4 <= text.count else { throw Failure(reason: "a \\u escape is cut short", offset: start + index) }
        var value: UInt32 = 0
        for byte in text[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw Failure(reason: "a \\u escape needs four hexadecimal digits", offset: start + index)
            }
            value = value << 4 | digit
        }
        return value
    }

    private static func validated(_ utf8: Slice<UnsafeBufferPointer<UInt8>>, from start: Int) throws(Failure) -> String
    {
        guard let string = String(validating: utf8, as: UTF8.self) else {
            throw Failure(reason: "a string is not valid UTF-8", offset: start)
        }
        return string
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
