import Foundation

/// A five-field cron expression (`minute hour day-of-month month day-of-week`) in a time zone,
/// with the tick times Dagster's schedules use.
///
/// Ticks are wall-clock times in `timeZone`. Across daylight-saving changes it behaves like
/// Dagster's `cron_string_iterator` (checked against it by `scripts/generate-cron-vectors.py`):
/// - a wall-clock time skipped by a spring-forward gap fires at the end of the gap (02:30 in
///   Europe/Vienna on the last Sunday of March fires at 03:00 CEST); outside 01:00–03:59, the
///   hours Dagster expects changes in, it fires at the time read with the old offset (00:30 in a
///   00:00–01:00 gap fires at 01:30). Schedules whose hour field is `*` skip such times;
/// - a wall-clock time repeated by a fall-back overlap fires once, at its later occurrence
///   (Dagster's daily, weekly and monthly schedules take the earlier one outside 01:00–03:59).
///   Schedules whose hour field is `*` fire at both.
///
///     let schedule = try CronSchedule("0 6 * * 1-5", timeZone: TimeZone(identifier: "Europe/Vienna")!)
///     let next = schedule.nextTick(after: .now)
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// The expression as given.
    public let expression: String
    /// The zone whose wall clock the expression is read in.
    public let timeZone: TimeZone
    /// The minutes that match, sorted.
    public let minutes: [Int]
    /// The hours that match, sorted.
    public let hours: [Int]
    /// The days of the month that match, sorted.
    public let daysOfMonth: [Int]
    /// The months that match, sorted.
    public let months: [Int]
    /// The weekdays that match (0 is Sunday), sorted.
    public let daysOfWeek: [Int]

    /// Whether the day-of-month field holds `L`, the last day of the month (as Dagster's cron does).
    public let lastDayOfMonth: Bool
    /// Whether the day fields hold only days (no `L`, no `weekday#n`), which `daysOfMonth` and
    /// `daysOfWeek` then describe completely.
    public var usesOnlyPlainDays: Bool { !lastDayOfMonth && nthWeekdays.isEmpty }

    /// The `weekday#n` entries of the day-of-week field (`5#2`, the second Friday of the month),
    /// as `weekday * 8 + n`.
    private let nthWeekdays: Set<Int>
    private let dayOfMonthRestricted: Bool
    private let dayOfWeekRestricted: Bool
    private let minuteSet: [Bool]
    private let hourSet: [Bool]
    private let dayOfMonthSet: [Bool]
    private let monthSet: [Bool]
    private let dayOfWeekSet: [Bool]

    private static let macros: [String: String] = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@weekly": "0 0 * * 0",
        "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]

    /// Parses `expression`, read in `timeZone`; throws a `CronError` pointing at the field at fault.
    public init(_ expression: String, timeZone: TimeZone = .gmt) throws(CronError) {
        self.expression = expression
        self.timeZone = timeZone
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        var text = expression
        if trimmed.hasPrefix("@") {
            guard let expanded = Self.macros[trimmed.lowercased()] else {
                let start = expression.distance(
                    from: expression.startIndex, to: expression.firstIndex(of: "@") ?? expression.startIndex)
                throw CronError(
                    expression: expression, field: nil,
                    reason: "unknown macro '\(trimmed)'; expected one of "
                        + "@hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually",
                    columns: start..<(start + trimmed.count))
            }
            text = expanded
        }
        // Split into fields, remembering where each starts in the original text.
        var fields: [(text: Substring, column: Int)] = []
        var column = 0
        var current: (start: String.Index, column: Int)?
        for index in text.indices {
            if text[index] == " " || text[index] == "\t" {
                if let open = current { fields.append((text[open.start..<index], open.column)) }
                current = nil
            } else if current == nil {
                current = (index, column)
            }
            column += 1
        }
        if let open = current { fields.append((text[open.start...], open.column)) }
        guard fields.count == 5 else {
            let found = fields.count == 1 ? "1 field" : "\(fields.count) fields"
            throw CronError(
                expression: expression, field: nil,
                reason: "expected 5 fields 'minute hour day-of-month month day-of-week', found \(found)",
                columns: 0..<max(1, expression.count))
        }
        var parsed: [[Int]] = []
        var lastDay = false
        var nth = Set<Int>()
        for field in CronField.allCases {
            let (fieldText, fieldColumn) = fields[field.rawValue - 1]
            let isMacro = text != expression
            let columns = isMacro ? 0..<expression.count : fieldColumn..<(fieldColumn + fieldText.count)
            let fail = { (reason: String) in
                CronError(expression: expression, field: field, reason: reason, columns: columns)
            }
            // Dagster's extensions: `?` for any day, `L` for the last day of the month, and
            // `weekday#n` for the n-th such weekday of the month.
            var elements = fieldText == "?" && [.dayOfMonth, .dayOfWeek].contains(field) ? ["*"] : []
            if elements.isEmpty {
                for element in fieldText.split(separator: ",", omittingEmptySubsequences: false) {
                    if field == .dayOfMonth, element.uppercased() == "L" {
                        lastDay = true
                    } else if field == .dayOfWeek, element.contains("#") {
                        guard !fieldText.contains(",") else {
                            throw fail(
                                "\(field) field '\(fieldText)': weekday#n stands alone in the field, as in Dagster; "
                                    + "write one schedule per weekday#n")
                        }
                        nth.insert(try CronField.nthWeekday(element, in: fieldText, fail: fail))
                    } else if field == .dayOfWeek || field == .dayOfMonth,
                        element.uppercased().contains("L")
                            || element.uppercased().hasSuffix("W")
                    {
                        throw fail(
                            "\(field) field '\(fieldText)': '\(element)' is not supported, as in Dagster; "
                                + (field == .dayOfMonth
                                    ? "use L alone for the last day of the month"
                                    : "use weekday#n for the n-th weekday of the month, such as 5#2"))
                    } else {
                        elements.append(String(element))
                    }
                }
            }
            parsed.append(
                elements.isEmpty ? [] : try field.parse(Substring(elements.joined(separator: ",")), fail: fail))
        }
        lastDayOfMonth = lastDay
        nthWeekdays = nth
        (minutes, hours, daysOfMonth, months, daysOfWeek) = (parsed[0], parsed[1], parsed[2], parsed[3], parsed[4])
        func mask(_ values: [Int], _ size: Int) -> [Bool] {
            var result = [Bool](repeating: false, count: size)
            for value in values { result[value] = true }
            return result
        }
        minuteSet = mask(minutes, 60)
        hourSet = mask(hours, 24)
        dayOfMonthSet = mask(daysOfMonth, 32)
        monthSet = mask(months, 13)
        dayOfWeekSet = mask(daysOfWeek, 7)
        dayOfMonthRestricted = daysOfMonth.count < 31
        dayOfWeekRestricted = daysOfWeek.count < 7
        // With only day-of-month restricted, some listed day must exist in some listed month.
        if dayOfMonthRestricted && !dayOfWeekRestricted && !lastDay {
            let longest = months.map { [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][$0] }.max() ?? 31
            if let first = daysOfMonth.first, first > longest {
                let field = fields[CronField.dayOfMonth.rawValue - 1]
                throw CronError(
                    expression: expression, field: .dayOfMonth,
                    reason: "day-of-month field '\(field.text)' never occurs in the months "
                        + "'\(fields[CronField.month.rawValue - 1].text)'",
                    columns: text != expression
                        ? 0..<expression.count : field.column..<(field.column + field.text.count))
            }
        }
    }

    /// The expression, followed by the time zone when it is not GMT.
    public var description: String {
        timeZone == .gmt ? expression : "\(expression) (\(timeZone.identifier))"
    }

    /// Whether the schedule fires in every hour of the day (hour field `*`): such schedules skip
    /// times in a spring-forward gap and fire twice in a fall-back overlap, as Dagster's do.
    public var repeatsEveryHour: Bool { hours.count == 24 }

    // MARK: - Ticks

    /// The first tick strictly after `date`.
    public func nextTick(after date: Date) -> Date {
        firstTick(after: date.timeIntervalSince1970, inclusive: false)
    }

    /// The ticks at or after `start`, in order: a lazy, infinite sequence.
    public func ticks(from start: Date) -> some Sequence<Date> {
        let first = firstTick(after: start.timeIntervalSince1970, inclusive: true)
        return sequence(first: first) { self.nextTick(after: $0) }
    }

    /// The last tick strictly before `date`.
    public func previousTick(before date: Date) -> Date {
        var window: TimeInterval = 3600
        while true {
            var last: Date?
            var tick = firstTick(after: date.timeIntervalSince1970 - window, inclusive: true)
            while tick < date {
                last = tick
                tick = nextTick(after: tick)
            }
            if let last { return last }
            window *= 2
        }
    }

    /// The earliest tick after `instant` (or at it, when `inclusive`).
    private func firstTick(after instant: TimeInterval, inclusive: Bool) -> Date {
        func qualifies(_ t: Int) -> Bool { inclusive ? Double(t) >= instant : Double(t) > instant }
        // Near a change, start an hour of wall-clock time early so every occurrence of a
        // repeated time is seen.
        let whole = Int(instant.rounded(.down))
        let steady =
            timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(whole - 86_400)))
            == timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(whole + 86_400)))
        let startInstant = whole - (steady ? 60 : 3600 + 60)
        var wall = Wall(
            seconds: startInstant + timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(startInstant))))
        var best: Int?
        while true {
            wall = nextMatch(after: wall)
            let resolved = resolve(wall)
            // Later wall-clock times fire later, except around a change, where the next hour of
            // wall-clock time may still hold an earlier occurrence.
            let margin = resolved.nearChange ? 3600 : 0
            if let best, wall.seconds - resolved.maxOffset - margin > best { break }
            for t in resolved.instants where qualifies(t) {
                if best == nil || t < best! { best = t }
            }
        }
        return Date(timeIntervalSince1970: Double(best!))
    }

    /// The instants a matching wall-clock time fires at, by Dagster's daylight-saving rules, the
    /// largest UTC offset around it, and whether the offset changes within a day of it.
    private func resolve(_ wall: Wall) -> (instants: [Int], maxOffset: Int, nearChange: Bool) {
        let before = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall.seconds - 86_400)))
        let after = timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(wall.seconds + 86_400)))
        var instants: [Int] = []
        for offset in Set([before, after]) {
            let t = wall.seconds - offset
            if timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t))) == offset { instants.append(t) }
        }
        instants.sort()
        let maxOffset = max(before, after)
        let nearChange = before != after
        if instants.isEmpty {
            // In a spring-forward gap. Schedules that fire every hour skip it. Others fire, as
            // Dagster's do, at the end of the gap when the time falls in 01:00–03:59 (Dagster's
            // daylight-saving hours: the hour's start plus the shift), and otherwise at the time
            // read with the offset before the change (the shift later).
            if repeatsEveryHour { return ([], maxOffset, nearChange) }
            let seconds =
                Self.daylightSavingHours.contains(wall.hour)
                ? GregorianDate.floorDivision(wall.seconds, 3600).quotient * 3600 : wall.seconds
            return ([seconds - min(before, after)], maxOffset, nearChange)
        }
        if instants.count > 1 && !repeatsEveryHour {
            // Repeated by a fall-back overlap: fire once, at the later occurrence; but Dagster's
            // daily, weekly and monthly schedules take the earlier one outside 01:00–03:59.
            if isDagsterCalendarSchedule && !Self.daylightSavingHours.contains(wall.hour) {
                return ([instants[0]], maxOffset, nearChange)
            }
            return ([instants.last!], maxOffset, nearChange)
        }
        return (instants, maxOffset, nearChange)
    }

    /// The hours in which Dagster expects daylight-saving changes.
    private static let daylightSavingHours = 1...3

    /// Whether Dagster treats the schedule as daily, weekly or monthly (one minute, one hour, and
    /// either every day, one weekday, or one day of the month up to the 28th).
    private var isDagsterCalendarSchedule: Bool {
        guard minutes.count == 1, hours.count == 1, months.count == 12, !lastDayOfMonth, nthWeekdays.isEmpty else {
            return false
        }
        let everyDayOfMonth = daysOfMonth.count == 31
        let everyWeekday = daysOfWeek.count == 7
        return (everyDayOfMonth && everyWeekday) || (everyDayOfMonth && daysOfWeek.count == 1)
            || (everyWeekday && daysOfMonth.count == 1 && daysOfMonth[0] <= 28)
    }

    /// Whether the day matches, with cron's rule: when both day fields are restricted, either may match.
    private func dayMatches(_ wall: Wall) -> Bool {
        let dom =
            dayOfMonthSet[wall.day]
            || (lastDayOfMonth && wall.day == GregorianDate.daysInMonth(wall.month, year: wall.year))
        let dow = dayOfWeekSet[wall.weekday] || nthWeekdays.contains(wall.weekday * 8 + (wall.day - 1) / 7 + 1)
        if dayOfMonthRestricted && dayOfWeekRestricted { return dom || dow }
        return dom && dow
    }

    /// The first matching wall-clock minute strictly after `wall`, found field by field.
    private func nextMatch(after wall: Wall) -> Wall {
        var w = Wall(seconds: (GregorianDate.floorDivision(wall.seconds, 60).quotient + 1) * 60)
        var (year, month, day, hour, minute) = (w.year, w.month, w.day, w.hour, w.minute)
        while true {
            if !monthSet[month] {
                if let next = months.first(where: { $0 > month }) {
                    month = next
                } else {
                    (year, month) = (year + 1, months[0])
                }
                (day, hour, minute) = (1, 0, 0)
                continue
            }
            if day > GregorianDate.daysInMonth(month, year: year) {
                (day, hour, minute) = (1, 0, 0)
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1)
                continue
            }
            w = Wall(year: year, month: month, day: day, hour: hour, minute: minute)
            if !dayMatches(w) {
                (day, hour, minute) = (day + 1, 0, 0)
                continue
            }
            if !hourSet[hour] {
                if let next = hours.first(where: { $0 > hour }) {
                    (hour, minute) = (next, 0)
                } else {
                    (day, hour, minute) = (day + 1, 0, 0)
                }
                continue
            }
            if !minuteSet[minute] {
                if let next = minutes.first(where: { $0 > minute }) {
                    minute = next
                } else if let next = hours.first(where: { $0 > hour }) {
                    (hour, minute) = (next, 0)
                } else {
                    (day, hour, minute) = (day + 1, 0, 0)
                }
                continue
            }
            return w
        }
    }
}

/// A wall-clock time to the minute, as seconds since 1970-01-01 00:00 of a zone-less clock.
private struct Wall {
    let seconds: Int
    let year: Int
    let month: Int
    let day: Int
    let hour: Int
    let minute: Int

    /// The weekday, 0 for Sunday.
    var weekday: Int { ((GregorianDate.floorDivision(seconds, 86_400).quotient + 4) % 7 + 7) % 7 }

    init(seconds: Int) {
        let days = GregorianDate.floorDivision(seconds, 86_400).quotient
        let rest = seconds - days * 86_400
        self.seconds = seconds
        (year, month, day) = GregorianDate.date(daysSince1970: days)
        (hour, minute) = (rest / 3600, rest % 3600 / 60)
    }

    init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
        (self.year, self.month, self.day, self.hour, self.minute) = (year, month, day, hour, minute)
        seconds = GregorianDate.daysSince1970(year: year, month: month, day: day) * 86_400 + hour * 3600 + minute * 60
    }
}

extension CronSchedule {
    /// The instants (seconds since 1970) at which the matching wall-clock time `seconds` (seconds
    /// since 1970-01-01 00:00 of a zone-less clock) fires, by the daylight-saving rules of
    /// `ticks(from:)`: none in a gap for schedules that fire every hour, two in an overlap for them,
    /// and otherwise one.
    func instants(firingAtWallClock seconds: Int) -> [Int] {
        resolve(Wall(seconds: seconds)).instants
    }

    /// Whether the wall-clock time `seconds` (seconds since 1970-01-01 00:00 of a zone-less clock)
    /// is a whole minute that matches every field.
    func matches(wallClock seconds: Int) -> Bool {
        let wall = Wall(seconds: seconds)
        return GregorianDate.floorDivision(seconds, 60).remainder == 0 && minuteSet[wall.minute]
            && hourSet[wall.hour] && monthSet[wall.month] && dayMatches(wall)
    }
}
