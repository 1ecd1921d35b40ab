import Cairn
import Foundation

/// How pages write times, durations and statuses.
enum WebFormat {
    /// `2026-11-22 11:45:03 UTC`.
    static func timestamp(_ date: Date) -> String {
        let components = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d UTC", components.year!, components.month!, components.day!,
            components.hour!, components.minute!, components.second!)
    }

    /// `11:45:03.120`, the time of day of an event in a run's log.
    static func timeOfDay(_ date: Date) -> String {
        let components = Calendar.utc.dateComponents([.hour, .minute, .second, .nanosecond], from: date)
        return String(
            format: "%02d:%02d:%02d.%03d", components.hour!, components.minute!, components.second!,
            components.nanosecond! / 1_000_000)
    }

    /// `3 min ago`, `in 2 h`: how far `date` is from `now`.
    static func relative(_ date: Date, now: Date) -> String {
        let seconds = now.timeIntervalSince(date)
        let text = approximate(abs(seconds))
        return seconds >= 0 ? "\(text) ago" : "in \(text)"
    }

    /// A time with its distance from now, as `<time>`: the exact time shows on hover.
    static func time(_ date: Date, now: Date) -> String {
        "<time datetime=\"\(ISO8601Timestamp.format(date))\" title=\"\(timestamp(date))\">"
            + "\(relative(date, now: now))</time>"
    }

    /// `1.2 s`, `3 min 4 s`, `2 h 5 min`.
    static func duration(_ seconds: TimeInterval) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 { return String(format: "%.1f s", seconds) }
        if seconds < 3600 { return "\(Int(seconds) / 60) min \(Int(seconds) % 60) s" }
        return "\(Int(seconds) / 3600) h \(Int(seconds) % 3600 / 60) min"
    }

    /// `time windows '0 0 * * *' (UTC) from 2024-01-01`, `3 static keys`, `dynamic 'regions'`,
    /// `date × region`: a partitions definition in words.
    static func partitions(_ definition: PartitionsDefinition) -> String {
        switch definition.kind {
        case .static(let partitions): return "\(partitions.keys.count) static keys"
        case .timeWindow(let windows):
            return "time windows '\(windows.schedule.expression)' (\(windows.timeZone.identifier)) from "
                + timestamp(windows.start)
        case .dynamic(let dynamic): return "dynamic '\(dynamic.name)'"
        case .multi(let multi):
            return multi.dimensions.map { "\($0.name): \(partitions($0.definition))" }.joined(separator: " × ")
        case .invalid(let error): return "invalid: \(error)"
        }
    }

    /// A badge with the status's name and a class for its colour.
    static func badge(_ text: String, id: String? = nil) -> String {
        let cssClass = text.lowercased().replacingOccurrences(of: " ", with: "")
        return
            "<span\(id.map { " id=\"\($0)\"" } ?? "") class=\"badge \(HTML.escape(cssClass))\">\(HTML.escape(text))</span>"
    }

    /// A link to a run, by its short id.
    static func runLink(_ id: RunID) -> String {
        "<a class=\"mono\" href=\"/runs/\(HTML.escape(id.rawValue))\">\(HTML.escape(String(id.rawValue.prefix(8))))</a>"
    }

    /// A link to an asset.
    static func assetLink(_ key: AssetKey) -> String {
        "<a href=\"\(assetPath(key))\">\(HTML.escape(key.description))</a>"
    }

    /// The address of an asset's page: `/assets/raw/orders` for `raw/orders`.
    static func assetPath(_ key: AssetKey) -> String {
        "/assets/" + key.path.map(pathComponent).joined(separator: "/")
    }

    /// `text` percent-encoded for one segment of a path.
    static func pathComponent(_ text: String) -> String {
        text.addingPercentEncoding(
            withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/?#")))
            ?? text
    }

    /// `text` percent-encoded for a query value.
    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~")))
            ?? text
    }

    /// `a=1&b=x` from the non-nil values, percent-encoded.
    static func query(_ items: [(String, String?)]) -> String {
        items.compactMap { name, value in value.map { "\(name)=\(queryValue($0))" } }.joined(separator: "&")
    }

    private static func approximate(_ seconds: TimeInterval) -> String {
        if seconds < 60 { return "\(Int(seconds)) s" }
        if seconds < 3600 { return "\(Int(seconds / 60)) min" }
        if seconds < 86_400 * 2 { return "\(Int(seconds / 3600)) h" }
        return "\(Int(seconds / 86_400)) days"
    }
}

extension Calendar {
    /// The Gregorian calendar in UTC.
    static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
