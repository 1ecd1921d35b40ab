import Foundation

/// A parsed CSV document: its header and the unescaped bytes of every cell, stored flat so that
/// a hundred thousand rows cost a few arrays rather than a string per cell.
///
/// Follows RFC 4180: fields are separated by commas and records by CRLF, LF or CR; a field in
/// double quotes may hold commas, line breaks and doubled quotes. A leading UTF-8 byte order
/// mark is skipped, and so are blank lines when the header has more than one column.
final class CSVTable {
    /// The column names, in order.
    let header: [String]
    /// The index of each column by name.
    let columnIndex: [String: Int]
    /// The unescaped bytes of all cells, row after row.
    private let bytes: [UInt8]
    /// Cell `i` (row-major) is `bytes[boundaries[i] ..< boundaries[i + 1]]`.
    private let boundaries: [Int]
    /// The empty cells that were written `""`: empty strings rather than missing values.
    private let quotedEmptyCells: Set<Int>
    /// The line of the file on which each row starts.
    let rowLines: [Int]

    /// The number of data rows.
    var rowCount: Int { rowLines.count }

    /// Parses `text`; throws `CSVError.malformed` for unclosed quotes, stray characters after a
    /// closing quote, duplicate column names and rows whose field count differs from the header's.
    init(parsing text: String) throws {
        var text = text
        var parser = Parser()
        try text.withUTF8 { try parser.parse($0) }
        header = parser.header
        columnIndex = parser.columnIndex
        bytes = parser.bytes
        boundaries = parser.boundaries
        quotedEmptyCells = parser.quotedEmptyCells
        rowLines = parser.rowLines
    }

    /// The index of the cell at `row` and `column` in the flat storage.
    func cellIndex(row: Int, column: Int) -> Int {
        row * header.count + column
    }

    /// Whether the cell is empty and was not written `""`: a missing value.
    func isMissing(_ cell: Int) -> Bool {
        boundaries[cell] == boundaries[cell + 1] && !quotedEmptyCells.contains(cell)
    }

    /// Calls `body` with the bytes of a cell.
    func withBytes<Result>(
        of cell: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result
    ) rethrows -> Result {
        let range = boundaries[cell]..<boundaries[cell + 1]
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[range])) }
    }

    /// The text of a cell.
    func string(_ cell: Int) -> String {
        withBytes(of: cell) { String(decoding: $0, as: UTF8.self) }
    }
}

extension CSVTable {
    /// The state of one pass over the bytes of a document.
    private struct Parser {
        var header: [String] = []
        var columnIndex: [String: Int] = [:]
        var bytes: [UInt8] = []
        var boundaries: [Int] = [0]
        var quotedEmptyCells: Set<Int> = []
        var rowLines: [Int] = []
        var line = 1

        static let comma = UInt8(ascii: ",")
        static let quote = UInt8(ascii: "\"")
        static let lineFeed = UInt8(ascii: "\n")
        static let carriageReturn = UInt8(ascii: "\r")

        mutating func parse(_ input: UnsafeBufferPointer<UInt8>) throws {
            var index = input.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
            bytes.reserveCapacity(input.count)
            var isHeader = true
            while index < input.count {
                if isLineBreak(input[index]), isHeader || header.count > 1 {
                    index = skipLineBreak(input, at: index)
                    continue
                }
                let recordLine = line
                var fieldCount = 0
                while true {
                    index = try parseField(input, at: index)
                    fieldCount += 1
                    if index < input.count, input[index] == Self.comma {
                        index += 1
                        continue
                    }
                    if index < input.count {
                        index = skipLineBreak(input, at: index)
                    }
                    break
                }
                if isHeader {
                    try finishHeader(fieldCount: fieldCount, line: recordLine)
                    isHeader = false
                } else {
                    try finishRow(fieldCount: fieldCount, line: recordLine)
                }
            }
        }

        func isLineBreak(_ byte: UInt8) -> Bool {
            byte == Self.lineFeed || byte == Self.carriageReturn
        }

        /// Moves past the CRLF, LF or CR at `index`.
        mutating func skipLineBreak(_ input: UnsafeBufferPointer<UInt8>, at index: Int) -> Int {
            line += 1
            if input[index] == Self.carriageReturn, index + 1 < input.count, input[index + 1] == Self.lineFeed {
                return index + 2
            }
            return index + 1
        }

        /// Reads one field starting at `index`; returns the index of the comma, line break or end after it.
        mutating func parseField(_ input: UnsafeBufferPointer<UInt8>, at start: Int) throws -> Int {
            var index = start
            guard index < input.count, input[index] == Self.quote else {
                while index < input.count, input[index] != Self.comma, !isLineBreak(input[index]) {
                    index += 1
                }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[start..<index]))
                boundaries.append(bytes.count)
                return index
            }
            let openingLine = line
            index += 1
            var segmentStart = index
            while true {
                guard index < input.count else {
                    throw CSVError.malformed(
                        line: openingLine,
                        problem: "the quoted field that starts here is never closed; "
                            + "a quote inside a quoted field is written twice (\"\")")
                }
                let byte = input[index]
                if byte == Self.quote {
                    bytes.append(contentsOf: UnsafeBufferPointer(rebasing: input[segmentStart..<index]))
                    if index + 1 < input.count, input[index + 1] == Self.quote {
                        bytes.append(Self.quote)
                        index += 2
                        segmentStart = index
                        continue
                    }
                    index += 1
                    break
                }
                if byte == Self.lineFeed
                    || (byte == Self.carriageReturn && (index + 1 == input.count || input[index + 1] != Self.lineFeed))
                {
                    line += 1
                }
                index += 1
            }
            if index < input.count, input[index] != Self.comma, !isLineBreak(input[index]) {
                throw CSVError.malformed(
                    line: line,
                    problem: "unexpected text after the closing quote of a field; quote the whole field "
                        + "and write quotes inside it twice (\"\")")
            }
            if boundaries[boundaries.count - 1] == bytes.count {
                quotedEmptyCells.insert(boundaries.count - 1)
            }
            boundaries.append(bytes.count)
            return index
        }

        mutating func finishHeader(fieldCount: Int, line headerLine: Int) throws {
            header = (0..<fieldCount).map { field in
                let range = boundaries[field]..<boundaries[field + 1]
                return String(decoding: bytes[range], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            }
            for (index, name) in header.enumerated() {
                if columnIndex.updateValue(index, forKey: name) != nil {
                    throw CSVError.malformed(line: headerLine, problem: "the header names column '\(name)' twice")
                }
            }
            bytes.removeAll(keepingCapacity: true)
            boundaries = [0]
            quotedEmptyCells = []
        }

        mutating func finishRow(fieldCount: Int, line recordLine: Int) throws {
            guard fieldCount == header.count else {
                let hint = fieldCount > header.count ? "; a field that contains a comma must be quoted" : ""
                throw CSVError.malformed(
                    line: recordLine,
                    problem: "row \(rowLines.count + 1) has \(fieldCount) field\(fieldCount == 1 ? "" : "s"), "
                        + "but the header has \(header.count) columns\(hint)")
            }
            rowLines.append(recordLine)
        }
    }
}

/// Reads and writes the timestamps of CSV cells without a `DateFormatter`.
///
/// Reads ISO 8601 (`2024-04-01T13:05:00Z`, with or without fractional seconds and zone) and the
/// common `2024-04-01 13:05`, `2024-04-01 13:05:00` and `2024-04-01`; a time without a zone is UTC.
/// Writes ISO 8601 in UTC, with milliseconds or microseconds only when the date has them.
enum CSVTimestamp {
    /// The date written in `text`, or `nil` when it is not a timestamp of a supported form.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Date? {
        var reader = DigitReader(text: text)
        guard let year = reader.number(digits: 4), reader.skip("-"),
            let month = reader.number(digits: 2), reader.skip("-"),
            let day = reader.number(digits: 2),
            (1...12).contains(month), (1...daysInMonth(month, year: year)).contains(day)
        else { return nil }
        var seconds = daysSince1970(year: year, month: month, day: day) * 86_400
        var fraction = 0.0
        if !reader.isAtEnd {
            guard reader.skip("T") || reader.skip("t") || reader.skip(" "),
                let hour = reader.number(digits: 2), reader.skip(":"),
                let minute = reader.number(digits: 2), hour < 24, minute < 60
            else { return nil }
            seconds += hour * 3600 + minute * 60
            if reader.skip(":") {
                guard let second = reader.number(digits: 2), second < 60 else { return nil }
                seconds += second
                if reader.skip(".") || reader.skip(",") {
                    guard let value = reader.fraction() else { return nil }
                    fraction = value
                }
            }
            if !reader.isAtEnd {
                guard let offset = reader.zoneOffset(), reader.isAtEnd else { return nil }
                seconds -= offset
            }
        }
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// The date in ISO 8601 in UTC: `2024-04-01T13:05:00Z`, or `2024-04-01T13:05:00.250Z`.
    static func format(_ date: Date) -> String {
        let microseconds = Int((date.timeIntervalSince1970 * 1_000_000).rounded())
        let (seconds, micros) = microseconds.quotientAndRemainder(dividingBy: 1_000_000)
        let (wholeSeconds, fraction) = micros < 0 ? (seconds - 1, micros + 1_000_000) : (seconds, micros)
        let (days, secondOfDay) = wholeSeconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        let civil = civilDate(daysSince1970: day)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(27)
        if (0...9999).contains(civil.year) {
            append(civil.year, width: 4, to: &bytes)
        } else {
            bytes.append(contentsOf: String(civil.year).utf8)
        }
        let parts: [(separator: Unicode.Scalar, value: Int)] = [
            ("-", civil.month), ("-", civil.day), ("T", second / 3600), (":", second / 60 % 60), (":", second % 60),
        ]
        for (separator, value) in parts {
            bytes.append(UInt8(ascii: separator))
            append(value, width: 2, to: &bytes)
        }
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            if fraction % 1000 == 0 {
                append(fraction / 1000, width: 3, to: &bytes)
            } else {
                append(fraction, width: 6, to: &bytes)
            }
        }
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the last `width` decimal digits of a non-negative `value`, with leading zeros.
    private static func append(_ value: Int, width: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width {
            divisor *= 10
        }
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    private static func isLeapYear(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The calendar date `days` after 1970-01-01; the inverse of `daysSince1970`.
    private static func civilDate(daysSince1970 days: Int) -> (year: Int, month: Int, day: Int) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// Reads fixed-width numbers and separators from the front of a timestamp.
    private struct DigitReader {
        let text: UnsafeBufferPointer<UInt8>
        var index = 0

        var isAtEnd: Bool { index == text.count }

        mutating func skip(_ character: Unicode.Scalar) -> Bool {
            guard index < text.count, text[index] == UInt8(ascii: character) else { return false }
            index += 1
            return true
        }

        mutating func number(digits: Int) -> Int? {
            guard index + digits <= text.count else { return nil }
            var value = 0
            for byte in text[index..<index + digits] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            index += digits
            return value
        }

        /// The digits after a decimal separator as a fraction of a second.
        mutating func fraction() -> Double? {
            var value = 0.0
            var scale = 1.0
            let start = index
            while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) {
                scale /= 10
                value += Double(text[index] - UInt8(ascii: "0")) * scale
                index += 1
            }
            return index > start ? value : nil
        }

        /// `Z`, `+02:00`, `+0200` or `+02` as seconds east of UTC.
        mutating func zoneOffset() -> Int? {
            if skip("Z") || skip("z") { return 0 }
            let sign: Int
            if skip("+") {
                sign = 1
            } else if skip("-") {
                sign = -1
            } else {
                return nil
            }
            guard let hours = number(digits: 2), hours < 24 else { return nil }
            var minutes = 0
            if !isAtEnd {
                _ = skip(":")
                guard let value = number(digits: 2), value < 60 else { return nil }
                minutes = value
            }
            return sign * (hours * 3600 + minutes * 60)
        }
    }
}
