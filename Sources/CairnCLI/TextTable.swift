import Foundation

/// Lays out rows of text in aligned columns under a header, for terminal output.
struct TextTable {
    let header: [String]
    var rows: [[String]] = []

    /// Adds a row, its control characters made visible (`Formatting.terminalSafe`); missing cells
    /// are empty.
    mutating func add(_ row: [String]) {
        rows.append(row.map { Formatting.terminalSafe($0) })
    }

    /// The table as lines, columns separated by two spaces, the last column not padded.
    var rendered: String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for row in all {
            for (column, cell) in row.enumerated() where column < widths.count {
                widths[column] = max(widths[column], cell.count)
            }
        }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
