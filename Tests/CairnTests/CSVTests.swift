import Foundation
import Testing

@testable import Cairn

@Suite struct CSVTests {
    enum Sky: String, Codable, CaseIterable { case clear, cloudy, fog }
    enum Level: Int, Codable {
        case low = 1
        case high = 2
    }

    struct Everything: Codable, Equatable {
        var text: String
        var int: Int
        var int8: Int8
        var int16: Int16
        var int32: Int32
        var int64: Int64
        var uint: UInt
        var uint8: UInt8
        var uint16: UInt16
        var uint32: UInt32
        var uint64: UInt64
        var double: Double
        var float: Float
        var flag: Bool
        var date: Date
        var decimal: Decimal
        var url: URL
        var sky: Sky
        var level: Level
        var note: String?
        var count: Int?
        var when: Date?
    }

    struct Sample: Codable, Equatable {
        var station: String
        var valid: Date
        var tmpf: Double
    }

    struct Reading: Codable, Equatable {
        var name: String
        var value: Double?
    }

    static let april1 = Date(timeIntervalSince1970: 1_711_929_600)

    static func date(_ secondsAfterApril1: TimeInterval) -> Date {
        april1.addingTimeInterval(secondsAfterApril1)
    }

    // MARK: - Round trips

    @Test func everyFieldTypeRoundTrips() throws {
        let records = [
            Everything(
                text: "plain", int: -42, int8: .min, int16: .max, int32: -7, int64: .min, uint: 7, uint8: .max,
                uint16: 65_535, uint32: 4_000_000_000, uint64: .max, double: 52.125, float: 0.5, flag: true,
                date: Self.date(47_100), decimal: Decimal(string: "12345.678901234567890")!,
                url: URL(string: "https://example.com/a?b=1&c=2")!, sky: .fog, level: .high, note: "hi",
                count: 3, when: Self.date(0.25)),
            Everything(
                text: "", int: 0, int8: 0, int16: 0, int32: 0, int64: .max, uint: 0, uint8: 0, uint16: 0, uint32: 0,
                uint64: 0, double: -1e-7, float: 3.25, flag: false, date: Date(timeIntervalSince1970: -1),
                decimal: 0, url: URL(string: "file:///tmp/x.csv")!, sky: .clear, level: .low, note: nil,
                count: nil, when: nil),
        ]
        let text = try CSVEncoder().encode(records)
        let decoded = try CSVDecoder().decode([Everything].self, from: text)
        #expect(decoded == records)
    }

    @Test func textWithSpecialCharactersRoundTrips() throws {
        let names = [
            "comma, inside", "quote \" inside", "\"quoted\"", "line\nbreak", "crlf\r\nbreak", " leading space",
            "trailing tab\t", "", "ünïcödé ☁️", "a,b\n\"c\"",
        ]
        let records = names.map { Reading(name: $0, value: 1) }
        let decoded = try CSVDecoder().decode([Reading].self, from: try CSVEncoder().encode(records))
        #expect(decoded == records)
    }

    @Test func nilAndEmptyStringStayDistinct() throws {
        struct Note: Codable, Equatable { var text: String? }
        let records = [Note(text: nil), Note(text: ""), Note(text: "x"), Note(text: nil)]
        let text = try CSVEncoder().encode(records)
        #expect(text == "text\n\n\"\"\nx\n\n")
        #expect(try CSVDecoder().decode([Note].self, from: text) == records)
    }

    @Test func emptyArrayRoundTrips() throws {
        #expect(try CSVEncoder().encode([Reading]()) == "")
        #expect(try CSVDecoder().decode([Reading].self, from: "").isEmpty)
        #expect(try CSVDecoder().decode([Reading].self, from: "name,value\n").isEmpty)
    }

    // MARK: - Encoding

    @Test func encoderWritesHeaderQuotesAndISODates() throws {
        let samples = [
            Sample(station: "SFO", valid: Self.date(47_100), tmpf: 52.1),
            Sample(station: "San Francisco, CA", valid: Self.date(47_100.25), tmpf: -3),
        ]
        let text = try CSVEncoder().encode(samples)
        #expect(
            text == """
                station,valid,tmpf
                SFO,2024-04-01T13:05:00Z,52.1
                "San Francisco, CA",2024-04-01T13:05:00.250Z,-3.0

                """)
    }

    @Test func encoderPlacesColumnsThatAppearLaterNextToTheirNeighbours() throws {
        struct Row: Codable {
            var a: Int
            var b: Int?
            var c: Int?
            var d: Int
        }
        let text = try CSVEncoder().encode([
            Row(a: 1, b: nil, c: nil, d: 4), Row(a: 1, b: nil, c: 3, d: 4), Row(a: 1, b: 2, c: nil, d: 4),
        ])
        #expect(text == "a,b,c,d\n1,,,4\n1,,3,4\n1,2,,4\n")
    }

    @Test func encoderRejectsNestedValuesAndSingleRecords() throws {
        struct Point: Codable { var x: Int }
        struct Located: Codable {
            var name: String
            var point: Point
        }
        let nested = #expect(throws: CSVError.self) {
            try CSVEncoder().encode([Located(name: "a", point: Point(x: 1)), Located(name: "b", point: Point(x: 2))])
        }
        #expect(
            nested?.description
                == "row 1, column 'point': a Point holds nested values, but a CSV cell holds a single value; "
                + "flatten the record, or store the value as JSON")

        let single = #expect(throws: CSVError.self) { try CSVEncoder().encode(Reading(name: "a", value: 1)) }
        #expect(single == .notACollection(type: "Reading"))
        #expect(single?.description == "CSV holds an array of records (such as [Reading]), not a single Reading")

        let scalars = #expect(throws: CSVError.self) { try CSVEncoder().encode([1, 2, 3]) }
        #expect(scalars == .notARecord(type: "Int"))
    }

    // MARK: - Parsing

    @Test func quotedFieldsHoldCommasQuotesAndLineBreaks() throws {
        let text = "name,value\n\"a, b\",1\n\"say \"\"hi\"\"\",2\n\"two\nlines\",3\n\"\",4\nplain,5"
        let rows = try CSVDecoder().decode([Reading].self, from: text)
        #expect(rows.map(\.name) == ["a, b", "say \"hi\"", "two\nlines", "", "plain"])
        #expect(rows.map(\.value) == [1, 2, 3, 4, 5])
    }

    @Test func crlfBOMAndBlankLinesAreAccepted() throws {
        let text = "\u{FEFF}name,value\r\nx,1.5\r\n\r\n\"y\r\nz\",\r\n"
        let rows = try CSVDecoder().decode([Reading].self, from: text)
        #expect(rows == [Reading(name: "x", value: 1.5), Reading(name: "y\r\nz", value: nil)])
    }

    @Test func columnsAreMatchedByNameAndExtraColumnsIgnored() throws {
        let text = "tmpf, station ,ignored,valid\n52.5,SFO,zzz,2024-04-01 13:05\n"
        let rows = try CSVDecoder().decode([Sample].self, from: text)
        #expect(rows == [Sample(station: "SFO", valid: Self.date(47_100), tmpf: 52.5)])
    }

    @Test func missingOptionalColumnsAreNil() throws {
        let rows = try CSVDecoder().decode([Reading].self, from: "name\na\n")
        #expect(rows == [Reading(name: "a", value: nil)])
    }

    @Test func dictionariesReadEveryColumn() throws {
        let rows = try CSVDecoder().decode([[String: String]].self, from: "a,b\n1,x\n")
        #expect(rows == [["a": "1", "b": "x"]])
    }

    @Test(arguments: [
        ("true", true), ("TRUE", true), ("Yes", true), ("1", true), (" yes ", true),
        ("false", false), ("False", false), ("NO", false), ("0", false),
    ])
    func booleansAcceptCommonSpellings(text: String, expected: Bool) throws {
        struct Flag: Codable { var on: Bool }
        #expect(try CSVDecoder().decode([Flag].self, from: "on\n\(text)\n")[0].on == expected)
    }

    @Test(arguments: [
        ("2024-04-01 13:05", 47_100.0), ("2024-04-01 13:05:30", 47_130), ("2024-04-01", 0),
        ("2024-04-01T13:05:00Z", 47_100), ("2024-04-01T13:05:00", 47_100), ("2024-04-01T13:05:00.250Z", 47_100.25),
        ("2024-04-01T13:05:00.5", 47_100.5), ("2024-04-01T15:05:00+02:00", 47_100),
        ("2024-04-01T08:05:00-0500", 47_100),
        ("2024-04-01T15:05+02", 47_100), ("2024-04-01t13:05:00z", 47_100), ("2024-03-31T23:00:00-01:00", 0),
    ])
    func datesAcceptISO8601AndCommonForms(text: String, secondsAfterApril1: Double) throws {
        struct Moment: Codable { var at: Date }
        let moment = try CSVDecoder().decode([Moment].self, from: "at\n\(text)\n")[0]
        #expect(abs(moment.at.timeIntervalSince(Self.april1) - secondsAfterApril1) < 1e-6)
    }

    @Test func leapDaysAndOldDatesAreExact() throws {
        struct Moment: Codable, Equatable { var at: Date }
        let moments = try CSVDecoder().decode(
            [Moment].self, from: "at\n2024-02-29\n1969-12-31 23:59:59\n2000-03-01T00:00:00Z\n")
        #expect(moments.map(\.at.timeIntervalSince1970) == [1_709_164_800, -1, 951_868_800])
        #expect(try CSVDecoder().decode([Moment].self, from: try CSVEncoder().encode(moments)) == moments)
    }

    @Test func integersAcceptIntegralFloatsAndSigns() throws {
        struct Count: Codable { var n: Int16 }
        let counts = try CSVDecoder().decode([Count].self, from: "n\n+12\n-32768\n 7 \n3.0\n1e3\n")
        #expect(counts.map(\.n) == [12, -32_768, 7, 3, 1000])
    }

    // MARK: - Errors

    private func decodingError<T: Decodable>(_ type: T.Type, _ text: String) -> CSVError? {
        #expect(throws: CSVError.self) { try CSVDecoder().decode(type, from: text) }
    }

    @Test func badNumberNamesRowLineAndColumn() {
        var text = "station,valid,tmpf\n"
        for minute in 0..<16 {
            text += "SFO,2024-04-01 00:\(minute < 10 ? "0" : "")\(minute),50.0\n"
        }
        text += "SFO,2024-04-01 00:16,abc\n"
        let error = decodingError([Sample].self, text)
        #expect(error == .invalidValue(row: 17, line: 18, column: "tmpf", problem: "expected a number, got \"abc\""))
        #expect(error?.description == "row 17 (line 18), column 'tmpf': expected a number, got \"abc\"")
    }

    @Test func lineNumbersCountLineBreaksInsideQuotes() {
        let error = decodingError([Reading].self, "name,value\n\"one\ntwo\nthree\",1\nfour,x\n")
        #expect(error?.description == "row 2 (line 5), column 'value': expected a number, got \"x\"")
    }

    @Test func missingColumnListsTheHeaderAndSuggestsANearName() {
        let error = decodingError([Sample].self, "station,valid,temp\nSFO,2024-04-01,50\n")
        #expect(error == .missingColumn("tmpf", header: ["station", "valid", "temp"]))
        #expect(
            error?.description
                == "missing column 'tmpf' (the header has: station, valid, temp); did you mean 'temp'?")
        let far = decodingError([Sample].self, "station,valid,zzzzzzzz\nSFO,2024-04-01,50\n")
        #expect(far?.description == "missing column 'tmpf' (the header has: station, valid, zzzzzzzz)")
    }

    @Test func emptyCellOfNonOptionalFieldIsAnError() {
        let error = decodingError([Sample].self, "station,valid,tmpf\nSFO,2024-04-01,\n")
        #expect(
            error?.description
                == "row 1 (line 2), column 'tmpf': expected a number, got an empty cell; "
                + "make the field optional to allow empty cells")
    }

    @Test func invalidValuesOfEachTypeAreNamed() {
        struct Counted: Codable { var n: Int8 }
        struct Flag: Codable { var on: Bool }
        struct Moment: Codable { var at: Date }
        struct Link: Codable { var url: URL }
        struct Amount: Codable { var value: Decimal }
        struct Weather: Codable { var sky: Sky }
        struct Graded: Codable { var level: Level }
        #expect(
            decodingError([Counted].self, "n\n300\n")?.description
                == "row 1 (line 2), column 'n': expected an integer from -128 to 127 (Int8), got \"300\"")
        #expect(
            decodingError([Counted].self, "n\n1.5\n")?.description
                == "row 1 (line 2), column 'n': expected an integer, got \"1.5\"")
        #expect(
            decodingError([Flag].self, "on\nmaybe\n")?.description
                == "row 1 (line 2), column 'on': expected true, false, yes, no, 1 or 0, got \"maybe\"")
        #expect(
            decodingError([Moment].self, "at\n2024-02-30\n")?.description
                == "row 1 (line 2), column 'at': expected a date such as 2024-04-01, 2024-04-01 13:05 or "
                + "2024-04-01T13:05:00Z, got \"2024-02-30\"")
        #expect(
            decodingError([Moment].self, "at\n01/04/2024\n")?.description
                == "row 1 (line 2), column 'at': expected a date such as 2024-04-01, 2024-04-01 13:05 or "
                + "2024-04-01T13:05:00Z, got \"01/04/2024\"")
        #expect(
            decodingError([Link].self, "url\n\" \"\n")?.description
                == "row 1 (line 2), column 'url': expected a URL, got \" \"")
        #expect(
            decodingError([Amount].self, "value\n12.3.4\n")?.description
                == "row 1 (line 2), column 'value': expected a decimal number, got \"12.3.4\"")
        #expect(
            decodingError([Weather].self, "sky\nrain\n")?.description
                == "row 1 (line 2), column 'sky': expected one of clear, cloudy, fog (Sky), got \"rain\"")
        #expect(
            decodingError([Graded].self, "level\n3\n")?.description
                == "row 1 (line 2), column 'level': Cannot initialize Level from invalid Int value 3")
    }

    @Test func malformedTextNamesTheLine() {
        #expect(
            decodingError([Reading].self, "name,value\na,1\n\"b,2\nc,3\n")?.description
                == "line 3: the quoted field that starts here is never closed; "
                + "a quote inside a quoted field is written twice (\"\")")
        #expect(
            decodingError([Reading].self, "name,value\n\"a\"b,1\n")?.description
                == "line 2: unexpected text after the closing quote of a field; quote the whole field "
                + "and write quotes inside it twice (\"\")")
        #expect(
            decodingError([Reading].self, "name,value\na,1\nb,2,3\n")?.description
                == "line 3: row 2 has 3 fields, but the header has 2 columns; "
                + "a field that contains a comma must be quoted")
        #expect(
            decodingError([Reading].self, "name,value\na\n")?.description
                == "line 2: row 1 has 1 field, but the header has 2 columns")
        #expect(
            decodingError([Reading].self, "name,value,name\n")?.description
                == "line 1: the header names column 'name' twice")
    }

    @Test func decodingSomethingOtherThanAnArrayOfRecordsIsExplained() {
        let single = decodingError(Reading.self, "name,value\na,1\n")
        #expect(single?.description == "CSV holds an array of records (such as [Reading]), not a single Reading")
        let scalars = decodingError([Int].self, "n\n1\n")
        #expect(
            scalars?.description
                == "each CSV row is a record with one field per column, such as a struct with stored "
                + "properties; Int is not one")
        #expect(decodingError([String: Int].self, "n\n1\n") == .notACollection(type: "Dictionary<String, Int>"))
    }

    @Test func errorsOfCustomDecodersCarryTheRow() {
        struct Positive: Decodable {
            var value: Int
            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                value = try container.decode(Int.self, forKey: .value)
                guard value > 0 else {
                    throw DecodingError.dataCorruptedError(
                        forKey: .value, in: container, debugDescription: "value must be positive")
                }
            }
            enum CodingKeys: CodingKey { case value }
        }
        let error = decodingError([Positive].self, "value\n1\n-1\n")
        #expect(error == .invalidRecord(row: 2, line: 3, problem: "value must be positive"))
    }

    // MARK: - Schema inference

    @Test func schemaInferenceNamesColumnTypes() {
        let schema = TableSchema(inferringFrom: [
            Everything(
                text: "a", int: 1, int8: 1, int16: 1, int32: 1, int64: 1, uint: 1, uint8: 1, uint16: 1, uint32: 1,
                uint64: 1, double: 1, float: 1, flag: true, date: Self.april1, decimal: 1,
                url: URL(string: "https://example.com")!, sky: .clear, level: .low, note: nil, count: 1, when: nil)
        ])
        let types = Dictionary(uniqueKeysWithValues: schema.columns.map { ($0.name, $0.type) })
        #expect(schema.columns.map(\.name).prefix(3) == ["text", "int", "int8"])
        #expect(types["text"] == "string")
        #expect(types["uint64"] == "int")
        #expect(types["double"] == "float")
        #expect(types["float"] == "float")
        #expect(types["flag"] == "bool")
        #expect(types["date"] == "timestamp")
        #expect(types["decimal"] == "decimal")
        #expect(types["url"] == "url")
        #expect(types["sky"] == "string")
        #expect(types["level"] == "int")
        #expect(types["count"] == "int")
        #expect(types["note"] == nil)
    }

    @Test func schemaInferenceMarksOptionalsFromSampledNils() {
        var readings = (0..<10_000).map { Reading(name: "r\($0)", value: Double($0)) }
        readings[5_000].value = nil
        let schema = TableSchema(inferringFrom: readings)
        #expect(schema.columns == [.init(name: "name", type: "string"), .init(name: "value", type: "float?")])
        #expect(TableSchema(inferringFrom: [Reading(name: "a", value: nil)]).columns.map(\.name) == ["name"])
        #expect(TableSchema(inferringFrom: [1, 2]).columns.isEmpty)
    }

    @Test func schemaInferenceNamesNestedTypes() {
        struct Tagged: Encodable {
            var tags: [String]
            var at: Date?
        }
        struct Explicit: Encodable {
            var at: Date?
            enum CodingKeys: CodingKey { case at }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(at, forKey: .at)
            }
        }
        #expect(
            TableSchema(inferringFrom: [Tagged(tags: ["a"], at: Self.april1)]).columns.map(\.type) == [
                "Array<String>", "timestamp",
            ])
        #expect(TableSchema(inferringFrom: [Explicit(at: nil)]).columns == [.init(name: "at", type: "unknown?")])
    }

    // MARK: - CSVFileIOManager

    private static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cairn-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func directoryModeStoresOneFilePerAssetWithMetadata() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let io = CSVFileIOManager(directory: directory.path)
        let key: AssetKey = "weather/daily_highs"
        let readings = [Reading(name: "a", value: 1.5), Reading(name: "b, c", value: nil)]

        let metadata = try await io.handleOutput(
            readings, context: OutputContext(assetKey: key, runID: "r1", stepKey: "s"))

        let path = directory.appendingPathComponent("weather/daily_highs.csv").standardizedFileURL.path
        #expect(io.path(for: key) == path)
        #expect(metadata["path"] == .path(path))
        #expect(metadata["row_count"] == .int(2))
        #expect(
            metadata["schema"]
                == .tableSchema(
                    TableSchema(columns: [.init(name: "name", type: "string"), .init(name: "value", type: "float?")])))
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "name,value\na,1.5\n\"b, c\",\n")

        let loaded = try await io.loadInput([Reading].self, context: InputContext(assetKey: key, runID: "r2"))
        #expect(loaded == readings)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("weather").path))
    }

    @Test func fixedPathModeReadsTheOneFile() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("sfo.csv")
        try "station,valid,tmpf\nSFO,2024-04-01 13:05,52.1\n".write(to: file, atomically: true, encoding: .utf8)
        let io: (any IOManager)? = .csv(path: file.path)
        let manager = try #require(io as? CSVFileIOManager)
        #expect(manager.location == .file(file.path))
        #expect(manager.path(for: "anything") == file.standardizedFileURL.path)

        let samples = try await manager.loadInput([Sample].self, context: InputContext(assetKey: "sfo", runID: "r"))
        #expect(samples == [Sample(station: "SFO", valid: Self.date(47_100), tmpf: 52.1)])

        let metadata = try await manager.handleOutput(
            samples + samples, context: OutputContext(assetKey: "sfo", runID: "r", stepKey: "s"))
        #expect(metadata["row_count"] == .int(2))
        #expect(try await manager.loadInput([Sample].self, context: InputContext(assetKey: "x", runID: "r")).count == 2)
    }

    @Test func relativePathsResolveAgainstTheWorkingDirectory() throws {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(
            CSVFileIOManager(path: "data/sfo.csv").path(for: "x")
                == URL(fileURLWithPath: cwd + "/data/sfo.csv").standardizedFileURL.path)
        let io: (any IOManager)? = .csv(directory: "out")
        #expect(
            (io as? CSVFileIOManager)?.path(for: "a/b")
                == URL(fileURLWithPath: cwd + "/out/a/b.csv").standardizedFileURL.path)
    }

    @Test func missingFileIsAMissingValue() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let io = CSVFileIOManager(directory: directory.path)
        let error = await #expect(throws: IOManagerError.self) {
            try await io.loadInput([Reading].self, context: InputContext(assetKey: "nothing", runID: "r"))
        }
        guard case .missingValue(let key, let location) = error else {
            Issue.record("expected missingValue, got \(String(describing: error))")
            return
        }
        #expect(key == "nothing")
        #expect(location == io.path(for: "nothing"))
    }

    @Test func undecodableFileNamesTheFileRowAndColumn() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let io = CSVFileIOManager(directory: directory.path)
        let path = io.path(for: "readings")
        try "name,value\na,1\nb,oops\n".write(toFile: path, atomically: true, encoding: .utf8)
        let error = await #expect(throws: CSVFileError.self) {
            try await io.loadInput([Reading].self, context: InputContext(assetKey: "readings", runID: "r"))
        }
        #expect(
            error?.description
                == "cannot load asset 'readings' from \(path): row 2 (line 3), column 'value': "
                + "expected a number, got \"oops\"")

        try Data([0x6E, 0x61, 0x6D, 0x65, 0x0A, 0x61, 0x0A, 0x5A, 0xFC, 0x72, 0x69, 0x63, 0x68, 0x0A])
            .write(to: URL(fileURLWithPath: path))
        let latin1 = await #expect(throws: CSVFileError.self) {
            try await io.loadInput([Reading].self, context: InputContext(assetKey: "readings", runID: "r"))
        }
        #expect(
            latin1
                == .unreadable(
                    "readings", path: path,
                    reason: .malformed(
                        line: 3,
                        problem: "the text is not UTF-8; convert the file, for example with `iconv -f latin1 -t utf-8`"
                    )))
    }

    @Test func unwritableValuesNameTheAsset() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let io = CSVFileIOManager(directory: directory.path)
        let error = await #expect(throws: CSVFileError.self) {
            try await io.handleOutput(42, context: OutputContext(assetKey: "answer", runID: "r", stepKey: "s"))
        }
        #expect(
            error?.description
                == "cannot store asset 'answer' as CSV in \(io.path(for: "answer")): "
                + "CSV holds an array of records (such as [Int]), not a single Int")
        #expect(!FileManager.default.fileExists(atPath: io.path(for: "answer")))
    }

    // MARK: - The weather sample

    @Test func weatherSampleFileLoads() async throws {
        let path = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/Weather/data/sfo_q2_weather_sample.csv").path
        let samples = try await CSVFileIOManager(path: path)
            .loadInput([Sample].self, context: InputContext(assetKey: "sfo_q2_weather_sample", runID: "r"))

        #expect(samples.count == 4_368)
        #expect(samples.allSatisfy { $0.station == "SFO" })
        #expect(samples.first?.valid == Self.april1)
        #expect(samples.last?.valid == Self.date(91 * 86_400 - 1_800))
        #expect(samples.allSatisfy { (35...100).contains($0.tmpf) })
        let days = Set(samples.map { Int($0.valid.timeIntervalSince1970) / 86_400 })
        #expect(days.count == 91)
        let hottest = try #require(samples.map(\.tmpf).max())
        #expect(hottest >= 85)
        let aprilMean = samples.prefix(30 * 48).map(\.tmpf).reduce(0, +) / Double(30 * 48)
        let juneMean = samples.suffix(30 * 48).map(\.tmpf).reduce(0, +) / Double(30 * 48)
        #expect(juneMean > aprilMean + 3)
    }
}
