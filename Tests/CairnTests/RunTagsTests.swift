import Testing

@testable import Cairn

/// Tags written `key=value`, parsed the same way by every face.
@Suite struct RunTagsTests {
    @Test func tagsAreKeyEqualsValueAndTheValueMayBeEmpty() throws {
        #expect(
            try Run.tags(parsing: ["team=data", " owner = ana ", "empty=", "url=https://x?a=b", "team=finance"]) == [
                "team": "finance", "owner": "ana", "empty": "", "url": "https://x?a=b",
            ])
        #expect(try Run.tags(parsing: [String]()) == [:])
    }

    @Test func anEntryWithoutEqualsOrKeyIsRefusedByName() {
        #expect(throws: OperationError.malformedTag("team")) { try Run.tags(parsing: ["a=1", "team"]) }
        #expect(throws: OperationError.malformedTag(" =x")) { try Run.tags(parsing: [" =x"]) }
        #expect(
            OperationError.malformedTag("team").description == "a tag is key=value (the value may be empty), got 'team'"
        )
    }

    @Test func tagsAreBoundedInCountAndLength() throws {
        let many = (0...Run.tagLimits.count).map { "k\($0)=v" }
        #expect(throws: OperationError.tagsTooLarge("a run takes at most 100 tags")) { try Run.tags(parsing: many) }
        #expect(throws: OperationError.self) {
            try Run.tags(parsing: ["note=" + String(repeating: "x", count: Run.tagLimits.valueLength + 1)])
        }
        #expect(try Run.tags(parsing: (0..<Run.tagLimits.count).map { "k\($0)=v" }).count == Run.tagLimits.count)
    }
}
