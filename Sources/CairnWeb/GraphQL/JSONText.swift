import Foundation

/// JSON written piece by piece, as `DirectQueryExecutor` completes values.
struct JSONText {
    private var bytes: [UInt8] = []

    /// The text written so far.
    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends JSON syntax or a literal as it is.
    mutating func append(_ literal: String) {
        bytes.append(contentsOf: literal.utf8)
    }

    /// Appends a string, quoted and escaped.
    mutating func appendString(_ string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\r"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case UInt8(ascii: "\t"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a value of a built-in scalar type (`String`, `ID`, `Int`, `Float`, `Boolean`) as
    /// GraphQL serializes it.
    ///
    /// - Throws: `DirectQueryExecutor.Ineligible` for another type, or a value the type refuses
    ///   (an `Int` beyond 32 bits, a float that is not finite): the library reports those.
    mutating func appendScalar(_ value: ResultValue, named type: String) throws {
        switch (type, value) {
        case ("String", .string(let string)), ("ID", .string(let string)):
            appendString(string)
        case ("Int", .int(let int)):
            guard let int = Int32(exactly: int) else { throw DirectQueryExecutor.Ineligible() }
            append(String(int))
        case ("Float", .double(let double)) where double.isFinite:
            append("\(double)")
        case ("Float", .int(let int)):
            append(String(int))
        case ("Boolean", .bool(let boolean)):
            append(boolean ? "true" : "false")
        default:
            throw DirectQueryExecutor.Ineligible()
        }
    }
}
