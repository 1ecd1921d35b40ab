/// One of the five fields of a cron expression, numbered by position from 1.
public enum CronField: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// The minute of the hour, 0–59.
    case minute = 1
    /// The hour of the day, 0–23.
    case hour
    /// The day of the month, 1–31.
    case dayOfMonth
    /// The month, 1–12 or JAN–DEC.
    case month
    /// The day of the week, 0–7 (0 and 7 are Sunday) or SUN–SAT.
    case dayOfWeek

    /// The field's name as used in messages, e.g. `day-of-month`.
    public var description: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day-of-month"
        case .month: "month"
        case .dayOfWeek: "day-of-week"
        }
    }

    /// The values the field accepts (7 in day-of-week stands for Sunday).
    public var bounds: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    /// The names the field accepts, mapped to their values.
    var names: [String: Int] {
        switch self {
        case .month:
            [
                "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6, "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10,
                "NOV": 11, "DEC": 12,
            ]
        case .dayOfWeek: ["SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6]
        default: [:]
        }
    }

    /// Parses one field's text into its sorted set of values (day-of-week 7 folded into 0).
    func parse(_ text: Substring, fail: (String) -> CronError) throws(CronError) -> [Int] {
        let label = "\(self) field '\(text)'"
        var values = Set<Int>()
        for element in text.split(separator: ",", omittingEmptySubsequences: false) {
            if element.isEmpty { throw fail("\(label) has an empty list element") }
            let parts = element.split(separator: "/", omittingEmptySubsequences: false)
            if parts.count > 2 { throw fail("\(label): '\(element)' has more than one '/'") }
            var step = 1
            if parts.count == 2 {
                guard let n = Int(parts[1]), parts[1].allSatisfy(\.isASCII) else {
                    throw fail("\(label): step '\(parts[1])' is not a number")
                }
                if n < 1 { throw fail("\(label): step must be at least 1") }
                step = n
            }
            let base = parts[0]
            var low: Int
            var high: Int
            if base == "*" {
                (low, high) = (bounds.lowerBound, bounds.upperBound)
                if self == .dayOfWeek { high = 6 }
            } else {
                let ends = base.split(separator: "-", omittingEmptySubsequences: false)
                if ends.count > 2 { throw fail("\(label): '\(base)' is not a valid range") }
                low = try value(ends[0], label: label, fail: fail)
                if ends.count == 2 {
                    high = try value(ends[1], label: label, fail: fail)
                    if low > high { throw fail("\(label): range start \(low) is greater than its end \(high)") }
                } else {
                    high = parts.count == 2 ? (self == .dayOfWeek ? 6 : bounds.upperBound) : low
                    if low > high { high = low }
                }
            }
            for v in stride(from: low, through: high, by: step) {
                values.insert(self == .dayOfWeek && v == 7 ? 0 : v)
            }
        }
        return values.sorted()
    }

    /// A day-of-week `weekday#n` entry (`5#2`, `fri#1`) as `weekday * 8 + n`: the n-th (1–5) such
    /// weekday of the month.
    static func nthWeekday(_ element: Substring, in text: Substring, fail: (String) -> CronError) throws(CronError)
        -> Int
    {
        let label = "\(CronField.dayOfWeek) field '\(text)'"
        let parts = element.split(separator: "#", omittingEmptySubsequences: false)
        guard parts.count == 2, let n = Int(parts[1]), (1...5).contains(n) else {
            throw fail("\(label): '\(element)' is not weekday#n with n from 1 to 5, such as 5#2")
        }
        let weekday = try CronField.dayOfWeek.value(parts[0], label: label, fail: fail) % 7
        return weekday * 8 + n
    }

    /// Parses a number or a name and checks it against the field's bounds.
    private func value(_ text: Substring, label: String, fail: (String) -> CronError) throws(CronError) -> Int {
        if text.isEmpty { throw fail("\(label) has an empty value") }
        if let named = names[text.uppercased()] { return named }
        guard text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) else {
            switch self {
            case .month: throw fail("\(label): '\(text)' is not a number 1–12 or a month name JAN–DEC")
            case .dayOfWeek: throw fail("\(label): '\(text)' is not a number 0–7 or a weekday name SUN–SAT")
            default: throw fail("\(label): '\(text)' is not a number")
            }
        }
        guard bounds.contains(number) else {
            let range = "\(bounds.lowerBound)–\(bounds.upperBound)"
            if label == "\(self) field '\(text)'" { throw fail("\(label) is out of range \(range)") }
            throw fail("\(label): \(number) is out of range \(range)")
        }
        return number
    }
}
