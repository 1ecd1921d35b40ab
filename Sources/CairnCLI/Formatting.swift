import Cairn
import Foundation

/// How the CLI writes times, durations and metadata.
enum Formatting {
    /// `2026-11-22 03:40:12` in the local time zone.
    static func timestamp(_ date: Date) -> String {
        date.formatted(
            Date.VerbatimFormatStyle(
                format:
                    "\(year: .defaultDigits)-\(month: .twoDigits)-\(day: .twoDigits) \(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits)",
                timeZone: .current, calendar: Calendar(identifier: .gregorian)))
    }

    /// `03:40:12.123` in the local time zone.
    static func timeOfDay(_ date: Date) -> String {
        let style = Date.VerbatimFormatStyle(
            format:
                "\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits):\(second: .twoDigits)",
            timeZone: .current, calendar: Calendar(identifier: .gregorian))
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded()) % 1000
        return date.formatted(style) + String(format: ".%03d", milliseconds)
    }

    /// `850 ms`, `12.3 s`, `4m 05s`.
    static func duration(seconds: Double) -> String {
        if seconds < 1 { return String(format: "%.0f ms", seconds * 1000) }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        let whole = Int(seconds)
        return String(format: "%dm %02ds", whole / 60, whole % 60)
    }

    /// `850 ms` for a `Duration`.
    static func duration(_ duration: Duration) -> String {
        Self.duration(seconds: duration.inSeconds)
    }

    /// Metadata as indented `label: value` lines; multi-line values (markdown) indented further.
    static func metadataLines(_ metadata: Metadata, indent: String) -> [String] {
        metadata.flatMap { label, value -> [String] in
            let text = value.description
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
                terminalSafe(String($0))
            }
            if lines.count <= 1 { return ["\(indent)\(terminalSafe(label)): \(lines.first ?? "")"] }
            return ["\(indent)\(terminalSafe(label)):"] + lines.map { "\(indent)    \($0)" }
        }
    }

    /// `text` with its control characters shown as escapes (`\u{1B}` as `\e`, others as `\u{9B}`),
    /// so that a tag, message or key written by someone else cannot move the cursor, retitle the
    /// terminal or hide what follows (ESC and OSC sequences).
    static func terminalSafe(_ text: String, keepingLineBreaks: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var safe = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\u{1B}": safe += "\\e"
            case "\n" where keepingLineBreaks: safe += "\n"
            case "\n": safe += "\\n"
            case "\t": safe += "\\t"
            case "\r": safe += "\\r"
            case _ where isControl(scalar): safe += "\\u{\(String(scalar.value, radix: 16, uppercase: true))}"
            default: safe.unicodeScalars.append(scalar)
            }
        }
        return safe
    }

    /// C0 and C1 control characters, DEL, line and paragraph separators, and the bidirectional
    /// marks and overrides that reorder what is shown.
    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || (0x200E...0x200F).contains(scalar.value)
            || (0x2028...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }
}
