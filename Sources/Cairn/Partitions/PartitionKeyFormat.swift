/// A strftime-style format of partition keys such as `%Y-%m-%d`, written as Python's
/// `datetime.strftime` writes it and read as `datetime.strptime` reads it, so that keys are
/// Dagster's byte for byte. Reading is hand-written, without `DateFormatter`: a hundred thousand
/// keys read in milliseconds.
///
/// Directives: `%Y %y %m %d %H %I %p %M %S %f %j %U %W %w %u %a %A %b %B %z %Z %%` (English names);
/// other text is literal and reads case-insensitively; a run of whitespace reads as one or more
/// whitespace characters.
struct PartitionKeyFormat: Hashable, Sendable {
    /// The format as written.
    let pattern: String
    /// The name `%Z` writes.
    let zoneName: String
    /// Whether the format writes the UTC offset (`%z`).
    let writesOffset: Bool
    /// Whether the format writes the zone's name (`%Z`).
    let writesZoneName: Bool
    private let tokens: [Token]
    /// The most bytes a key takes.
    private let capacity: Int

    /// One piece of a format.
    private enum Token: Hashable, Sendable {
        /// A byte written as is and read case-insensitively.
        case literal(UInt8)
        /// Whitespace, written as is and read as one or more whitespace characters.
        case whitespace([UInt8])
        /// A `%` directive, and how it reads.
        case directive(Directive, Matcher)
    }

    /// How a directive reads: the ways it matches, in the order Python's regular expression tries them.
    private enum Matcher: Hashable, Sendable {
        /// Alternatives of character classes, such as `1[0-2]|0[1-9]|[1-9]`.
        case alternatives([[ClosedRange<UInt8>]])
        /// Lowercase names, longest first.
        case names([[UInt8]])
        /// One to six digits, as many as there are.
        case microsecond
        /// A UTC offset.
        case offset
    }

    /// The directives, named by their letter.
    private enum Directive: UInt8, CaseIterable {
        case year = 0x59  // Y
        case shortYear = 0x79  // y
        case month = 0x6D  // m
        case day = 0x64  // d
        case hour = 0x48  // H
        case hour12 = 0x49  // I
        case amPM = 0x70  // p
        case minute = 0x4D  // M
        case second = 0x53  // S
        case microsecond = 0x66  // f
        case dayOfYear = 0x6A  // j
        case sundayWeek = 0x55  // U
        case mondayWeek = 0x57  // W
        case weekday = 0x77  // w
        case isoWeekday = 0x75  // u
        case shortWeekdayName = 0x61  // a
        case weekdayName = 0x41  // A
        case shortMonthName = 0x62  // b
        case monthName = 0x42  // B
        case offset = 0x7A  // z
        case zoneName = 0x5A  // Z

        var letter: Character { Character(Unicode.Scalar(rawValue)) }
    }

    /// Parses `pattern`; `zoneName` is what `%Z` writes.
    init(_ pattern: String, zoneName: String = "UTC") throws(PartitionsError) {
        self.pattern = pattern
        self.zoneName = zoneName
        var tokens: [Token] = []
        var seen: Set<Directive> = []
        var bytes = Array(pattern.utf8)[...]
        while let byte = bytes.popFirst() {
            if Self.isWhitespace(byte) {
                var run = [byte]
                while let next = bytes.first, Self.isWhitespace(next) { run.append(bytes.removeFirst()) }
                tokens.append(.whitespace(run))
            } else if byte != UInt8(ascii: "%") {
                tokens.append(.literal(byte))
            } else if let letter = bytes.popFirst() {
                if letter == UInt8(ascii: "%") {
                    tokens.append(.literal(letter))
                    continue
                }
                guard let directive = Directive(rawValue: letter) else {
                    let known = Directive.allCases.map { "%\($0.letter)" }.joined(separator: " ")
                    throw .invalidTimeWindow(
                        "format '\(pattern)' has the unknown directive '%\(Character(Unicode.Scalar(letter)))'; "
                            + "use strftime directives: \(known) %%")
                }
                guard seen.insert(directive).inserted else {
                    throw .invalidTimeWindow(
                        "format '\(pattern)' uses '%\(directive.letter)' twice, so its keys cannot be read back; "
                            + "use each directive once")
                }
                tokens.append(.directive(directive, Self.matcher(for: directive)))
            } else {
                throw .invalidTimeWindow(
                    "format '\(pattern)' ends with a lone '%'; write '%%' for a percent sign")
            }
        }
        self.tokens = tokens
        capacity = tokens.reduce(0) { total, token in
            switch token {
            case .literal: total + 1
            case .whitespace(let run): total + run.count
            case .directive(.zoneName, _): total + zoneName.utf8.count
            case .directive(.year, _): total + 20
            case .directive: total + 9
            }
        }
        writesOffset = seen.contains(.offset)
        writesZoneName = seen.contains(.zoneName)
    }

    /// This format followed by `%z`, as Dagster reads keys of repeated hours; itself when it has `%z`.
    func withOffset() -> PartitionKeyFormat {
        writesOffset ? self : try! PartitionKeyFormat(pattern + "%z", zoneName: zoneName)
    }

    // MARK: - Writing

    /// Writes the wall-clock time `wall` (seconds since 1970-01-01 00:00 of a zone-less clock),
    /// whose UTC offset is `offset` seconds.
    func format(wall: Int, microsecond: Int = 0, offset: Int) -> String {
        let (days, secondOfDay) = GregorianDate.floorDivision(wall, 86_400)
        let (year, month, day) = GregorianDate.date(daysSince1970: days)
        let weekday = GregorianDate.floorDivision(days + 4, 7).remainder  // 0 is Sunday
        let dayOfYear = days - GregorianDate.daysSince1970(year: year, month: 1, day: 1)  // 0-based
        let hour = secondOfDay / 3600
        return String(unsafeUninitializedCapacity: capacity) { buffer in
            var out = ByteWriter(buffer: buffer)
            for token in tokens {
                switch token {
                case .literal(let byte): out.append(byte)
                case .whitespace(let run): out.append(contentsOf: run)
                case .directive(let directive, _):
                    switch directive {
                    case .year:
                        if year < 0 { out.append(UInt8(ascii: "-")) }
                        out.append(abs(year), width: 1)
                    case .shortYear: out.append(GregorianDate.floorDivision(year, 100).remainder, width: 2)
                    case .month: out.append(month, width: 2)
                    case .day: out.append(day, width: 2)
                    case .hour: out.append(hour, width: 2)
                    case .hour12: out.append(hour % 12 == 0 ? 12 : hour % 12, width: 2)
                    case .amPM: out.append(contentsOf: hour < 12 ? Self.am : Self.pm)
                    case .minute: out.append(secondOfDay / 60 % 60, width: 2)
                    case .second: out.append(secondOfDay % 60, width: 2)
                    case .microsecond: out.append(microsecond, width: 6)
                    case .dayOfYear: out.append(dayOfYear + 1, width: 3)
                    case .sundayWeek: out.append((dayOfYear + 7 - weekday) / 7, width: 2)
                    case .mondayWeek: out.append((dayOfYear + 7 - (weekday + 6) % 7) / 7, width: 2)
                    case .weekday: out.append(weekday, width: 1)
                    case .isoWeekday: out.append(weekday == 0 ? 7 : weekday, width: 1)
                    case .shortWeekdayName: out.append(contentsOf: Self.weekdayBytes[weekday].prefix(3))
                    case .weekdayName: out.append(contentsOf: Self.weekdayBytes[weekday])
                    case .shortMonthName: out.append(contentsOf: Self.monthBytes[month - 1].prefix(3))
                    case .monthName: out.append(contentsOf: Self.monthBytes[month - 1])
                    case .offset:
                        // As Python writes `%z`: `+0100`, `-0430`, `+010101` with seconds.
                        out.append(UInt8(ascii: offset < 0 ? "-" : "+"))
                        let magnitude = abs(offset)
                        out.append(magnitude / 3600, width: 2)
                        out.append(magnitude / 60 % 60, width: 2)
                        if magnitude % 60 != 0 { out.append(magnitude % 60, width: 2) }
                    case .zoneName: out.append(contentsOf: zoneName.utf8)
                    }
                }
            }
            return out.count
        }
    }

    /// Writes bytes into a buffer that is large enough.
    private struct ByteWriter {
        let buffer: UnsafeMutableBufferPointer<UInt8>
        var count = 0

        mutating func append(_ byte: UInt8) {
            buffer[count] = byte
            count += 1
        }

        mutating func append(contentsOf bytes: some Sequence<UInt8>) {
            for byte in bytes { append(byte) }
        }

        /// Appends a non-negative `value` in decimal with at least `width` digits.
        mutating func append(_ value: Int, width: Int) {
            if width == 2 && value < 100 {
                append(UInt8(ascii: "0") + UInt8(value / 10))
                append(UInt8(ascii: "0") + UInt8(value % 10))
                return
            }
            var digits = 1
            var limit = 10
            while value >= limit && digits < 18 {
                digits += 1
                limit *= 10
            }
            for _ in digits..<max(digits, width) { append(UInt8(ascii: "0")) }
            var divisor = limit / 10
            while divisor > 0 {
                append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
    }

    private static let am = Array("AM".utf8)
    private static let pm = Array("PM".utf8)
    private static let weekdayBytes = weekdayNames.map { Array($0.utf8) }
    private static let monthBytes = monthNames.map { Array($0.utf8) }

    private static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    // MARK: - Reading

    /// What a key says: a wall-clock time and, when the key has one, its UTC offset.
    struct Reading: Hashable, Sendable {
        /// Seconds since 1970-01-01 00:00 of a zone-less clock.
        var wall: Int
        /// The fraction of the second, in microseconds.
        var microsecond: Int
        /// The UTC offset the key states, in seconds, or `nil`.
        var offset: Int?
    }

    /// Reads `text` as Python's `datetime.strptime` would, or returns `nil` where it raises.
    func read(_ text: String) -> Reading? {
        var text = text
        return text.withUTF8 { bytes in
            var captures = [Int](repeating: -1, count: tokens.count * 2)
            guard let end = match(bytes, token: 0, at: 0, captures: &captures), end == bytes.count else { return nil }
            return resolve(bytes, captures)
        }
    }

    /// Matches the tokens from `token` on against `bytes` from `position`, trying each directive's
    /// alternatives in the order of Python's regular expressions; the end of the first match.
    private func match(
        _ bytes: UnsafeBufferPointer<UInt8>, token: Int, at position: Int, captures: inout [Int]
    ) -> Int? {
        guard token < tokens.count else { return position }
        switch tokens[token] {
        case .literal(let byte):
            guard position < bytes.count, Self.lowercased(bytes[position]) == Self.lowercased(byte) else {
                return nil
            }
            return match(bytes, token: token + 1, at: position + 1, captures: &captures)
        case .whitespace:
            var end = position
            while end < bytes.count, Self.isWhitespace(bytes[end]) { end += 1 }
            while end > position {
                if let found = match(bytes, token: token + 1, at: end, captures: &captures) { return found }
                end -= 1
            }
            return nil
        case .directive(_, let matcher):
            var found: Int?
            Self.forEachLength(of: matcher, in: bytes, at: position) { length in
                captures[token * 2] = position
                captures[token * 2 + 1] = length
                found = match(bytes, token: token + 1, at: position + length, captures: &captures)
                return found != nil
            }
            return found
        }
    }

    /// Calls `body` with the length of each way `matcher` matches at `position`, in the order
    /// Python's regular expression tries them, until `body` returns `true`.
    private static func forEachLength(
        of matcher: Matcher, in bytes: UnsafeBufferPointer<UInt8>, at position: Int, _ body: (Int) -> Bool
    ) {
        switch matcher {
        case .alternatives(let alternatives):
            for alternative in alternatives where matches(alternative, bytes, at: position) {
                if body(alternative.count) { return }
            }
        case .names(let names):
            for name in names where matchesName(name, bytes, at: position) {
                if body(name.count) { return }
            }
        case .microsecond:
            var digits = 0
            while digits < 6, position + digits < bytes.count, isDigit(bytes[position + digits]) { digits += 1 }
            for length in stride(from: digits, to: 0, by: -1) where body(length) { return }
        case .offset:
            for length in offsetLengths(bytes, at: position) where body(length) { return }
        }
    }

    /// How `directive` reads.
    private static func matcher(for directive: Directive) -> Matcher {
        switch directive {
        case .microsecond: .microsecond
        case .offset: .offset
        case .shortWeekdayName, .weekdayName, .shortMonthName, .monthName, .amPM, .zoneName: .names(names[directive]!)
        default: .alternatives(numericAlternatives[directive]!)
        }
    }

    /// The lengths `[+-]\d\d:?[0-5]\d(:?[0-5]\d(\.\d{1,6})?)?|(?-i:Z)` matches at `position`, in
    /// the order Python tries them.
    private static func offsetLengths(_ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> [Int] {
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[index] : nil }
        func digits(_ index: Int, first: ClosedRange<UInt8>) -> Bool {
            guard let a = byte(index), let b = byte(index + 1) else { return false }
            return first.contains(a) && isDigit(b)
        }
        if byte(position) == UInt8(ascii: "Z") { return [1] }
        guard let sign = byte(position), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-"),
            digits(position + 1, first: 0x30...0x39)
        else { return [] }
        var lengths: [Int] = []
        let colon = UInt8(ascii: ":")
        for firstColon in byte(position + 3) == colon ? [1, 0] : [0] {
            let minutes = position + 3 + firstColon
            guard digits(minutes, first: 0x30...0x35) else { continue }
            for secondColon in byte(minutes + 2) == colon ? [1, 0] : [0] {
                let seconds = minutes + 2 + secondColon
                guard digits(seconds, first: 0x30...0x35) else { continue }
                if byte(seconds + 2) == UInt8(ascii: ".") {
                    var count = 0
                    while count < 6, let next = byte(seconds + 3 + count), isDigit(next) { count += 1 }
                    for fraction in stride(from: count, to: 0, by: -1) {
                        lengths.append(seconds + 3 + fraction - position)
                    }
                }
                lengths.append(seconds + 2 - position)
            }
            lengths.append(minutes + 2 - position)
        }
        return lengths
    }

    /// Turns the matched text into a time as Python's `_strptime` does, or `nil` where it raises.
    private func resolve(_ bytes: UnsafeBufferPointer<UInt8>, _ captures: [Int]) -> Reading? {
        var year: Int?
        var (month, day, hour, minute, second, microsecond) = (1, 1, 0, 0, 0, 0)
        var weekday: Int?  // 0 is Monday, as in Python
        var dayOfYear: Int?
        var week: (number: Int, startsMonday: Bool)?
        var offset: Int?
        var hour12: Int?
        var pm: Bool?
        for (index, token) in tokens.enumerated() {
            guard case .directive(let directive, _) = token else { continue }
            let field = bytes[captures[index * 2]..<(captures[index * 2] + captures[index * 2 + 1])]
            let number = field.reduce(0) { Self.isDigit($1) ? $0 * 10 + Int($1 - 0x30) : $0 }
            switch directive {
            case .year: year = number
            case .shortYear: year = number <= 68 ? 2000 + number : 1900 + number
            case .month: month = number
            case .day: day = number
            case .hour: hour = number
            case .hour12: hour12 = number
            case .amPM: pm = Self.lowercased(field.first!) == UInt8(ascii: "p")
            case .minute: minute = number
            case .second: second = number
            case .microsecond: microsecond = number * [1, 100_000, 10_000, 1000, 100, 10, 1][field.count]
            case .dayOfYear: dayOfYear = number
            case .sundayWeek: week = (number, false)
            case .mondayWeek: week = (number, true)
            case .weekday: weekday = number == 0 ? 6 : number - 1
            case .isoWeekday: weekday = number - 1
            case .shortWeekdayName, .weekdayName: weekday = (Self.nameIndex(field, Self.weekdayNames) + 6) % 7
            case .shortMonthName, .monthName: month = Self.nameIndex(field, Self.monthNames) + 1
            case .offset:
                guard let seconds = Self.offsetSeconds(field) else { return nil }
                offset = seconds
            case .zoneName: break
            }
        }
        if let hour12 {
            hour = pm == true ? (hour12 == 12 ? 12 : hour12 + 12) : (hour12 == 12 ? 0 : hour12)
        }
        // Python defaults the year to 1900, and to 1904 for February 29, then puts 1900 back
        // (and fails: 1900 has no February 29).
        let leapYearFix = year == nil && month == 2 && day == 29
        var resolvedYear = year ?? (leapYearFix ? 1904 : 1900)
        if dayOfYear == nil, let weekday, let week {
            var julian = Self.julianDay(
                year: resolvedYear, week: week.number, weekday: weekday, startsMonday: week.startsMonday)
            if julian <= 0 {
                resolvedYear -= 1
                julian += GregorianDate.isLeapYear(resolvedYear) ? 366 : 365
            }
            dayOfYear = julian
        }
        var days: Int
        if let dayOfYear {
            days = GregorianDate.daysSince1970(year: resolvedYear, month: 1, day: 1) + dayOfYear - 1
            (resolvedYear, month, day) = GregorianDate.date(daysSince1970: days)
        } else {
            guard (1...12).contains(month), (1...GregorianDate.daysInMonth(month, year: resolvedYear)).contains(day)
            else { return nil }
            days = GregorianDate.daysSince1970(year: resolvedYear, month: month, day: day)
        }
        if leapYearFix { return nil }
        guard (1...9999).contains(resolvedYear), second < 60 else { return nil }
        if let offset, abs(offset) >= 86_400 { return nil }
        return Reading(
            wall: days * 86_400 + hour * 3600 + minute * 60 + second, microsecond: microsecond, offset: offset)
    }

    /// Python's `_calc_julian_from_U_or_W`: the day of the year of a weekday (0 is Monday) in a week.
    private static func julianDay(year: Int, week: Int, weekday: Int, startsMonday: Bool) -> Int {
        // 1970-01-01 was a Thursday (3 with Monday as 0).
        var firstWeekday =
            (GregorianDate.floorDivision(GregorianDate.daysSince1970(year: year, month: 1, day: 1), 7)
                .remainder + 3) % 7
        var weekday = weekday
        if !startsMonday {
            firstWeekday = (firstWeekday + 1) % 7
            weekday = (weekday + 1) % 7
        }
        if week == 0 { return 1 + weekday - firstWeekday }
        return 1 + (7 - firstWeekday) % 7 + 7 * (week - 1) + weekday
    }

    /// The seconds of a `%z` match as Python reads them (`Z`, `+0100`, `+01:00`, `+01:00:30`), or
    /// `nil` where it raises (`+01:0030`, `+0100:30`).
    private static func offsetSeconds(_ field: Slice<UnsafeBufferPointer<UInt8>>) -> Int? {
        var z = Array(field)
        if z == [UInt8(ascii: "Z")] { return 0 }
        let colon = UInt8(ascii: ":")
        if z[3] == colon {
            z.remove(at: 3)
            if z.count > 5 {
                guard z[5] == colon else { return nil }
                z.remove(at: 5)
            }
        }
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= z.count, z[range].allSatisfy(isDigit) else { return nil }
            return z[range].reduce(0) { $0 * 10 + Int($1 - 0x30) }
        }
        guard let hours = number(1..<3), let minutes = number(3..<5) else { return nil }
        var seconds = 0
        if z.count > 5 {
            guard let value = number(5..<7) else { return nil }
            seconds = value
        }
        let magnitude = hours * 3600 + minutes * 60 + seconds
        return z[0] == UInt8(ascii: "-") ? -magnitude : magnitude
    }

    /// The position of the (possibly abbreviated) name in `names`, compared case-insensitively.
    private static func nameIndex(_ field: Slice<UnsafeBufferPointer<UInt8>>, _ names: [String]) -> Int {
        names.firstIndex { name in
            let prefix = Array(name.utf8.prefix(field.count))
            return prefix.count == field.count && zip(prefix, field).allSatisfy { lowercased($0) == lowercased($1) }
        }!
    }

    /// Whether `name` (lowercase) is at `position`, compared case-insensitively.
    private static func matchesName(_ name: [UInt8], _ bytes: UnsafeBufferPointer<UInt8>, at position: Int) -> Bool {
        guard position + name.count <= bytes.count else { return false }
        for (offset, byte) in name.enumerated() where lowercased(bytes[position + offset]) != byte { return false }
        return true
    }

    /// Whether the character classes of `alternative` match at `position`.
    private static func matches(
        _ alternative: [ClosedRange<UInt8>], _ bytes: UnsafeBufferPointer<UInt8>, at position: Int
    ) -> Bool {
        guard position + alternative.count <= bytes.count else { return false }
        for (offset, range) in alternative.enumerated() where !range.contains(bytes[position + offset]) { return false }
        return true
    }

    /// The names each name directive matches, lowercase, longest first as Python tries them.
    private static let names: [Directive: [[UInt8]]] = {
        func sorted(_ names: [String]) -> [[UInt8]] {
            names.map { Array($0.lowercased().utf8) }.sorted { $0.count > $1.count }
        }
        return [
            .shortWeekdayName: sorted(weekdayNames.map { String($0.prefix(3)) }),
            .weekdayName: sorted(weekdayNames),
            .shortMonthName: sorted(monthNames.map { String($0.prefix(3)) }),
            .monthName: sorted(monthNames),
            .amPM: sorted(["am", "pm"]),
            .zoneName: sorted(["gmt", "utc"]),
        ]
    }()

    /// The alternatives of Python's regular expression for each numeric directive, in its order.
    private static let numericAlternatives: [Directive: [[ClosedRange<UInt8>]]] = [
        .year: alternatives(#"\d\d\d\d"#),
        .shortYear: alternatives(#"\d\d"#),
        .month: alternatives(#"1[0-2]|0[1-9]|[1-9]"#),
        .day: alternatives(#"3[0-1]|[1-2]\d|0[1-9]|[1-9]| [1-9]"#),
        .hour: alternatives(#"2[0-3]|[0-1]\d|\d"#),
        .hour12: alternatives(#"1[0-2]|0[1-9]|[1-9]"#),
        .minute: alternatives(#"[0-5]\d|\d"#),
        .second: alternatives(#"6[0-1]|[0-5]\d|\d"#),
        .dayOfYear: alternatives(#"36[0-6]|3[0-5]\d|[1-2]\d\d|0[1-9]\d|00[1-9]|[1-9]\d|0[1-9]|[1-9]"#),
        .sundayWeek: alternatives(#"5[0-3]|[0-4]\d|\d"#),
        .mondayWeek: alternatives(#"5[0-3]|[0-4]\d|\d"#),
        .weekday: alternatives(#"[0-6]"#),
        .isoWeekday: alternatives(#"[1-7]"#),
    ]

    /// Compiles `a|b|c` alternatives of `\d`, `[x-y]` and literal characters into character classes.
    private static func alternatives(_ expression: String) -> [[ClosedRange<UInt8>]] {
        expression.split(separator: "|", omittingEmptySubsequences: false).map { alternative in
            var classes: [ClosedRange<UInt8>] = []
            var bytes = Array(alternative.utf8)[...]
            while let byte = bytes.popFirst() {
                switch byte {
                case UInt8(ascii: "\\"):
                    bytes.removeFirst()
                    classes.append(0x30...0x39)
                case UInt8(ascii: "["):
                    let low = bytes.removeFirst()
                    bytes.removeFirst()
                    classes.append(low...bytes.removeFirst())
                    bytes.removeFirst()
                default:
                    classes.append(byte...byte)
                }
            }
            return classes
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }

    private static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }

    private static func lowercased(_ byte: UInt8) -> UInt8 { (0x41...0x5A).contains(byte) ? byte + 0x20 : byte }
}
