import Cairn
import Foundation
import Testing

@testable import CairnPipes

/// The wire format of the protocol: asset keys, JSON as Python writes it, the bootstrap values.
@Suite struct PipesWireFormatTests {
    @Test(arguments: [
        ("a//b", ["a", "", "b"]), ("/a", ["", "a"]), ("a/", ["a"]), ("", []), ("x\\y", ["xy"]),
        ("a\\/b/c\\\\d", ["a/b", "c\\d"]), ("trailing\\", ["trailing"]),
    ])
    func assetKeysDecodeAsDagsterPipesDoes(encoded: String, parts: [String]) {
        #expect(PipesAssetKey.decode(encoded) == AssetKey(path: parts))
    }

    @Test func assetKeysEncodeWithEscapes() {
        #expect(PipesAssetKey.encode(AssetKey(path: ["a/b", "c\\d"])) == "a\\/b/c\\\\d")
        #expect(PipesAssetKey.encode(AssetKey(path: ["warehouse", "daily"])) == "warehouse/daily")
    }

    private func parse(_ text: String) throws -> PipesValue {
        try JSONReader.parse(Array(text.utf8))
    }

    @Test func numbersKeepTheirLexicalKind() throws {
        #expect(try parse("3") == .int(3))
        #expect(try parse("3.0") == .float(3.0))
        #expect(try parse("1e-07") == .float(1e-07))
        #expect(try parse("-12") == .int(-12))
        #expect(try parse("1000000000000000000000000000000") == .bigInteger("1000000000000000000000000000000"))
        #expect(try parse("-Infinity") == .float(-.infinity))
        #expect(try parse("Infinity") == .float(.infinity))
        if case .float(let nan) = try parse("NaN") { #expect(nan.isNaN) } else { Issue.record("NaN") }
    }

    @Test func stringsDecodeEscapesAndSurrogatePairs() throws {
        #expect(try parse(#""caf\u00e9 \ud83d\ude80 \"q\" \\ \/ \n""#) == .string("café 🚀 \"q\" \\ / \n"))
        #expect(
            try parse(#"{"b": 1, "a": [true, null]}"#)
                == .object([("b", .int(1)), ("a", .array([.bool(true), .null]))]))
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01x", "tru", "\"\u{1}\"", "[1] 2", "1.2.3", "--1"])
    func malformedJSONIsRefused(text: String) {
        #expect(throws: JSONReader.Failure.self) { try parse(text) }
    }

    @Test func invalidUTF8AndDeepNestingAreRefused() {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.parse([0x22, 0xFF, 0xFE, 0x22]) }
        #expect(throws: JSONReader.Failure.self) { try parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: Never.self) { try parse(String(repeating: "[", count: 60) + String(repeating: "]", count: 60)) }
    }

    @Test func bootstrapValuesDecodeWithPythonsZlibAndBase64() throws {
        let encoded = PipesParams.encode(["path": "/tmp/example/context.json"])
        let decoder = Process()
        decoder.executableURL = URL(fileURLWithPath: PythonScripts.python)
        decoder.arguments = [
            "-c", "import base64, sys, zlib; print(zlib.decompress(base64.b64decode(sys.argv[1])).decode())", encoded,
        ]
        let output = Pipe()
        decoder.standardOutput = output
        try decoder.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        decoder.waitUntilExit()
        #expect(text == "{\"path\":\"/tmp/example/context.json\"}\n")
        // A long value spans several stored blocks.
        let long = PipesParams.zlibStored(Array(repeating: 0x61, count: 200_000))
        #expect(long.count == 2 + 4 * 5 + 200_000 + 4)
    }
}
