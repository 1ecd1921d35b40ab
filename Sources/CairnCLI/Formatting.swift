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
        let components = duration.components
        return Self.duration(seconds: Double(components.seconds) + Double(components.attoseconds) / 1e18)
    }

    /// Metadata as indented `label: value` lines; multi-line values (markdown) indented further.
    static func metadataLines(_ metadata: Metadata, indent: String) -> [String] {
        metadata.flatMap { label, value -> [String] in
            let text = value.description
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.count <= 1 { return ["\(indent)\(label): \(text)"] }
            return ["\(indent)\(label):"] + lines.map { "\(indent)    \($0)" }
        }
    }
}
