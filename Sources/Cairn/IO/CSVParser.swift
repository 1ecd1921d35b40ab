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
