import Foundation

/// Reads and writes timestamps as ISO 8601 text without a `DateFormatter`: fast enough for a
/// million CSV cells or table rows, and the same everywhere Cairn stores dates as text.
///
/// Reads `2024-04-01T13:05:00Z` with any number of fractional digits and a zone `Z`, `+02:00`,
/// `+0200` or `+02`, and the common `2024-04-01 13:05`, `2024-04-01 13:05:00` and `2024-04-01`;
/// a time without a zone is UTC.
public enum ISO8601Timestamp {
    /// How many fractional digits `format` writes.
    public enum Precision: Sendable {
        /// None, three or six, only as many as the date needs (to the microsecond).
        case asNeeded
        /// Always three, rounded to the millisecond: fixed width, so text order is time order.
        case milliseconds
    }

    /// The date written in `text`, or `nil` when it is not a timestamp of a supported form.
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8 { parse($0) }
    }

    /// The date written in the UTF-8 bytes `text`, or `nil`.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> Date? {
        var reader = DigitReader(text: text)
        return reader.date()
    }

    /// The date in UTC with the offset written out, as Python's `isoformat()` writes it and
    /// Dagster passes partition windows: `2024-03-05T00:00:00+00:00`.
    public static func formatWithOffset(_ date: Date) -> String {
        String(format(date).dropLast()) + "+00:00"
    }

    /// The date in UTC: `2024-04-01T13:05:00Z`, `2024-04-01T13:05:00.250Z`.
    public static func format(_ date: Date, precision: Precision = .asNeeded) -> String {
        let unitsPerSecond = precision == .milliseconds ? 1000 : 1_000_000
        let units = Int((date.timeIntervalSince1970 * Double(unitsPerSecond)).rounded())
        let (seconds, fraction) = GregorianDate.floorDivision(units, unitsPerSecond)
        let (days, second) = GregorianDate.floorDivision(seconds, 86_400)
        let civil = GregorianDate.date(daysSince1970: days)
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
        switch precision {
        case .milliseconds:
            bytes.append(UInt8(ascii: "."))
            append(fraction, width: 3, to: &bytes)
        case .asNeeded where fraction != 0:
            bytes.append(UInt8(ascii: "."))
            if fraction % 1000 == 0 {
                append(fraction / 1000, width: 3, to: &bytes)
            } else {
                append(fraction, width: 6, to: &bytes)
            }
        case .asNeeded:
            break
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
}

/// Reads the parts of a timestamp from the front of its UTF-8 bytes.
private struct DigitReader {
    let text: UnsafeBufferPointer<UInt8>
    var index = 0

    var isAtEnd: Bool { index == text.count }

    mutating func date() -> Date? {
        guard let year = number(digits: 4), skip("-"), let month = number(digits: 2), skip("-"),
            let day = number(digits: 2), (1...12).contains(month),
            (1...GregorianDate.daysInMonth(month, year: year)).contains(day)
        else { return nil }
        var seconds = GregorianDate.daysSince1970(year: year, month: month, day: day) * 86_400
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
