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
}
