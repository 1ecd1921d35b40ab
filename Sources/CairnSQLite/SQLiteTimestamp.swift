import Foundation

/// Dates as the ISO 8601 text that `SQLiteTableIOManager` stores: UTC with milliseconds,
/// `2024-04-01T13:05:00.250Z`, the form `strftime('%Y-%m-%dT%H:%M:%fZ')` writes.
///
/// The width is fixed, so text order is time order and `ORDER BY` and `MIN`/`MAX` work on the
/// column; SQLite's date functions read it as it is.
enum SQLiteTimestamp {
    /// The date in UTC, rounded to the millisecond.
    static func format(_ date: Date) -> String {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, millisecond) = floorDivision(milliseconds, 1000)
        let (days, second) = floorDivision(seconds, 86_400)
        let civil = civilDate(daysSince1970: days)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        if (0...9999).contains(civil.year) {
            append(civil.year, width: 4, to: &bytes)
        } else {
            bytes.append(contentsOf: String(civil.year).utf8)
        }
        bytes.append(UInt8(ascii: "-"))
        append(civil.month, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        append(civil.day, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        append(second / 3600, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(second / 60 % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        append(second % 60, width: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        append(millisecond, width: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The date written in `text`, or `nil` when it is not one.
    ///
    /// Reads `2024-04-01`, `2024-04-01 13:05`, `2024-04-01T13:05:00`, with any number of
    /// fractional digits, and a zone `Z`, `+02:00`, `+0200` or `+02`; without a zone the time is UTC,
    /// as SQLite's date functions take it.
    static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = DigitReader(text: bytes)
            return reader.date()
        }
    }

    /// The quotient rounded down and the non-negative remainder.
    private static func floorDivision(_ value: Int, _ divisor: Int) -> (Int, Int) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
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

    fileprivate static func daysInMonth(_ month: Int, year: Int) -> Int {
        switch month {
        case 2: year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    fileprivate static func daysSince1970(year: Int, month: Int, day: Int) -> Int {
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
}

/// Reads the parts of a timestamp from the front of its UTF-8 bytes.
private struct DigitReader {
    let text: UnsafeBufferPointer<UInt8>
    var index = 0

    var isAtEnd: Bool { index == text.count }

    mutating func date() -> Date? {
        guard let year = number(digits: 4), skip("-"), let month = number(digits: 2), skip("-"),
            let day = number(digits: 2), (1...12).contains(month),
            (1...SQLiteTimestamp.daysInMonth(month, year: year)).contains(day)
        else { return nil }
        var seconds = SQLiteTimestamp.daysSince1970(year: year, month: month, day: day) * 86_400
        var fraction = (digits: 0, scale: 1)
        if !isAtEnd {
            guard skip("T") || skip("t") || skip(" "), let hour = number(digits: 2), skip(":"),
                let minute = number(digits: 2), hour < 24, minute < 60
            else { return nil }
            seconds += hour * 3600 + minute * 60
            if skip(":") {
                guard let second = number(digits: 2), second < 60 else { return nil }
                seconds += second
                if skip(".") || skip(",") {
                    guard let value = self.fraction() else { return nil }
                    fraction = value
                }
            }
            if !isAtEnd {
                guard let offset = zoneOffset(), isAtEnd else { return nil }
                seconds -= offset
            }
        }
        // One correctly rounded division, so a date written with milliseconds reads back exactly.
        let scale = Double(fraction.scale)
        return Date(timeIntervalSince1970: (Double(seconds) * scale + Double(fraction.digits)) / scale)
    }

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

    /// The digits after a decimal separator, up to nanoseconds, and the power of ten they divide by.
    mutating func fraction() -> (digits: Int, scale: Int)? {
        var value = 0
        var scale = 1
        let start = index
        while index < text.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(text[index]) {
            if scale < 1_000_000_000 {
                value = value * 10 + Int(text[index] - UInt8(ascii: "0"))
                scale *= 10
            }
            index += 1
        }
        return index > start ? (value, scale) : nil
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
