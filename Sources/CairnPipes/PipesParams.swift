import Cairn
import Foundation

/// The encoding of the two bootstrap values, `DAGSTER_PIPES_CONTEXT` and
/// `DAGSTER_PIPES_MESSAGES`: `base64(zlib(utf8(json)))`, which `dagster-pipes` decodes.
enum PipesParams {
    /// Encodes a params object. The zlib stream holds stored (uncompressed) DEFLATE blocks: the
    /// params are a few hundred bytes, and `dagster-pipes` accepts any valid zlib stream.
    static func encode(_ params: [String: JSONValue]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let json = (try? encoder.encode(JSONValue.object(params))) ?? Data("{}".utf8)
        return Data(zlibStored(Array(json))).base64EncodedString()
    }

    /// A zlib stream (RFC 1950) of stored DEFLATE blocks (RFC 1951 §3.2.4) holding `bytes`.
    static func zlibStored(_ bytes: [UInt8]) -> [UInt8] {
        var stream: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65_535, bytes.count - offset)
            let isFinal = offset + length == bytes.count
            stream.append(isFinal ? 1 : 0)
            let complement = ~UInt16(length)
            stream += [UInt8(length & 0xFF), UInt8(length >> 8), UInt8(complement & 0xFF), UInt8(complement >> 8)]
            stream += bytes[offset..<offset + length]
            offset += length
        } while offset < bytes.count
        let checksum = adler32(bytes)
        stream += [
            UInt8(checksum >> 24), UInt8((checksum >> 16) & 0xFF), UInt8((checksum >> 8) & 0xFF),
            UInt8(checksum & 0xFF),
        ]
        return stream
    }

    /// The Adler-32 checksum zlib streams end with.
    static func adler32(_ bytes: [UInt8]) -> UInt32 {
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in bytes {
            a = (a + UInt32(byte)) % 65_521
            b = (b + a) % 65_521
        }
        return b << 16 | a
    }
}
