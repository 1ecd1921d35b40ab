import Foundation
import Testing

@testable import Cairn

/// Metadata values as the event log stores them.
@Suite struct MetadataValueTests {
    @Test(arguments: [Double.nan, .infinity, -.infinity, 2.5])
    func floatsSurviveJSONEvenWhenNotFinite(value: Double) throws {
        let data = try JSONEncoder().encode(MetadataValue.float(value))
        guard case .float(let decoded) = try JSONDecoder().decode(MetadataValue.self, from: data) else {
            Issue.record("not a float: \(String(decoding: data, as: UTF8.self))")
            return
        }
        #expect(decoded == value || (decoded.isNaN && value.isNaN))
    }

    @Test func aFloatThatIsNeitherANumberNorANameIsRefused() {
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(MetadataValue.self, from: Data(#"{"type": "float", "value": "many"}"#.utf8))
        }
    }

    @Test func jsonNumbersThatAreNotFiniteAreWrittenByName() throws {
        let data = try JSONEncoder().encode(JSONValue.array([.number(.nan), .number(-.infinity)]))
        #expect(String(decoding: data, as: UTF8.self) == #"["NaN","-Infinity"]"#)
    }
}
