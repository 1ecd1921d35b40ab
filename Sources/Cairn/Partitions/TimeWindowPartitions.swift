import Foundation

/// Partitions that are windows of time between consecutive ticks of a cron schedule in a time zone.
///
/// They behave as Dagster's `TimeWindowPartitionsDefinition` and its hourly, daily, weekly and
/// monthly variants: the first window starts at the first tick at or after `start`, a window
/// exists once it has ended (`endOffset` adds or removes windows), keys are the windows' starts
/// written with `format`, and a schedule that fires every hour writes the second of two repeated
/// hours with its UTC offset (`2024-10-27-02:00+0100`). Every query is arithmetic, so a hundred
/// thousand hourly partitions cost no more than ten.
///
/// ```swift
/// let days = try TimeWindowPartitions.daily(start: "2024-01-01", timeZone: "Europe/Vienna")
/// days.count(at: .now)           // the days that have ended
/// days.key(at: 0)                // "2024-01-01"
/// days.index(of: "2024-02-01")   // 31
/// ```
public struct TimeWindowPartitions: Hashable, Sendable {
    /// The definition, which copies share: a copy costs one reference count.
    private let parts: Parts

    /// The cron schedule whose ticks bound the windows, with its time zone.
    public var schedule: CronSchedule { parts.schedule }
    /// The first window starts at the first tick at or after this.
    public var start: Date { parts.start }
    /// No window ends after this.
    public var end: Date? { parts.end }
    /// The strftime-style format of the keys, e.g. `%Y-%m-%d`.
    public var format: String { parts.format }
    /// Dagster's `end_offset`: extra (positive) or fewer (negative) windows beyond the last complete one.
    public var endOffset: Int { parts.endOffset }
    /// The zone the schedule and the keys are read in.
    public var timeZone: TimeZone { parts.schedule.timeZone }

    /// The keys' format.
    var keyFormat: PartitionKeyFormat { parts.keyFormat }
    /// The schedule's ticks, numbered from the first window's start.
    var ticks: TickSequence { parts.ticks }
    /// The zone's UTC offsets.
    var offsets: ZoneOffsets { parts.offsets }

    /// The parts of a definition.
    private final class Parts: Sendable {
        let schedule: CronSchedule
        let start: Date
        let end: Date?
        let format: String
        let endOffset: Int
        let keyFormat: PartitionKeyFormat
        let ticks: TickSequence
        let offsets: ZoneOffsets

        init(
            schedule: CronSchedule, start: Date, end: Date?, format: String, endOffset: Int,
            keyFormat: PartitionKeyFormat, offsets: ZoneOffsets
        ) {
            (self.schedule, self.start, self.end, self.format, self.endOffset) = (
                schedule, start, end, format, endOffset
            )
            (self.keyFormat, self.offsets) = (keyFormat, offsets)
            ticks = TickSequence(schedule: schedule, start: start)
        }
    }

    /// Partitions between ticks of `cron` in `timeZone` (an IANA name); `start` and `end` are
    /// written in `format`, as Dagster reads them, or in ISO 8601 (`2024-01-01T06:00:00Z`; without
    /// an offset, in `timeZone`).
    public init(
        cron: String, start: String, end: String? = nil, timeZone: String = "UTC", format: String, endOffset: Int = 0
    ) throws(PartitionsError) {
        let zone = try Self.zone(named: timeZone)
        let offsets = ZoneOffsets(zone)
        let schedule: CronSchedule
        do {
            schedule = try CronSchedule(cron, timeZone: zone)
        } catch {
            throw .invalidTimeWindow("\(error)\nwrite the schedule as 'minute hour day-of-month month day-of-week'")
        }
        guard !format.isEmpty else {
            throw .invalidTimeWindow("the key format is empty; use a strftime format such as '%Y-%m-%d'")
        }
        let zoneName = Self.universalZoneNames[timeZone]
        let keyFormat = try PartitionKeyFormat(format, zoneName: zoneName ?? timeZone)
        if keyFormat.writesZoneName && zoneName == nil {
            throw .invalidTimeWindow(
                "format '\(format)' writes the zone name with %Z, which keys in '\(timeZone)' cannot be read back "
                    + "from; use %z for the UTC offset")
        }
        let first = try Self.instant(start, named: "start", format: keyFormat, offsets: offsets)
        let last = try end.map { (text) throws(PartitionsError) in
            try Self.instant(text, named: "end", format: keyFormat, offsets: offsets)
        }
        if let last, last < first {
            throw .invalidTimeWindow(
                "end '\(end!)' is before start '\(start)'; give an end after the start, or none for partitions "
                    + "that go on")
        }
        parts = Parts(
            schedule: schedule, start: first, end: last, format: format, endOffset: endOffset, keyFormat: keyFormat,
            offsets: offsets)
        if key(at: 0) == key(at: 1) {
            throw .invalidTimeWindow(
                "format '\(format)' writes the same key '\(key(at: 0))' for two windows of '\(cron)'; "
                    + "use a format precise enough for the schedule, such as '%Y-%m-%d-%H:%M'")
        }
    }

    /// One partition per hour, starting `minuteOffset` minutes past the hour; Dagster's `HourlyPartitionsDefinition`.
    public static func hourly(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0,
        format: String = "%Y-%m-%d-%H:%M", endOffset: Int = 0
    ) throws(PartitionsError) -> TimeWindowPartitions {
        try TimeWindowPartitions(
            cron: "\(minuteOffset) * * * *", start: start, end: end, timeZone: timeZone, format: format,
            endOffset: endOffset)
    }

    /// One partition per day, starting at `hourOffset:minuteOffset`; Dagster's `DailyPartitionsDefinition`.
    public static func daily(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0, hourOffset: Int = 0,
        format: String = "%Y-%m-%d", endOffset: Int = 0
    ) throws(PartitionsError) -> TimeWindowPartitions {
        try TimeWindowPartitions(
            cron: "\(minuteOffset) \(hourOffset) * * *", start: start, end: end, timeZone: timeZone, format: format,
            endOffset: endOffset)
    }

    /// One partition per week, starting on weekday `dayOffset` (0 is Sunday); Dagster's `WeeklyPartitionsDefinition`.
    public static func weekly(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0, hourOffset: Int = 0,
        dayOffset: Int = 0, format: String = "%Y-%m-%d", endOffset: Int = 0
    ) throws(PartitionsError) -> TimeWindowPartitions {
        try TimeWindowPartitions(
            cron: "\(minuteOffset) \(hourOffset) * * \(dayOffset)", start: start, end: end, timeZone: timeZone,
            format: format, endOffset: endOffset)
    }

    /// One partition per month, starting on day `dayOffset` (0 counts as 1, as in Dagster);
    /// Dagster's `MonthlyPartitionsDefinition`.
    public static func monthly(
        start: String, end: String? = nil, timeZone: String = "UTC", minuteOffset: Int = 0, hourOffset: Int = 0,
        dayOffset: Int = 1, format: String = "%Y-%m-%d", endOffset: Int = 0
    ) throws(PartitionsError) -> TimeWindowPartitions {
        try TimeWindowPartitions(
            cron: "\(minuteOffset) \(hourOffset) \(dayOffset == 0 ? 1 : dayOffset) * *", start: start, end: end,
            timeZone: timeZone, format: format, endOffset: endOffset)
    }

    // MARK: - Queries

    /// How many partitions exist at `now`: windows that have ended by `now`, plus `endOffset`, capped by `end`.
    ///
    /// As in Dagster, once the first window exists the count is at least one, and with a positive
    /// `endOffset` the first window exists from the tick before it.
    public func count(at now: Date) -> Int {
        if let end, end <= start { return 0 }
        let ended = ticks.lastIndex(atOrBefore: now)  // windows 0..<ended have ended
        let firstExists =
            switch endOffset {
            case 0: ended >= 1
            case 1...: ticks.firstIndex(atOrAfter: now) + endOffset >= 1
            default: ended + endOffset >= 1
            }
        guard firstExists else { return 0 }
        var count = ended + endOffset
        if let end { count = min(count, ticks.lastIndex(atOrBefore: end)) }
        return max(1, count)
    }

    /// The window of the partition at `index` (0 = the first window).  Any index >= 0 is valid (future windows too).
    public func window(at index: Int) -> TimeWindow {
        TimeWindow(start: Self.date(ticks.tick(index)), end: Self.date(ticks.tick(index + 1)))
    }

    /// The key of the partition at `index`.
    public func key(at index: Int) -> PartitionKey {
        PartitionKey(keyText(ofTick: ticks.tick(index)))
    }

    /// The index of the partition with this key; nil when the key does not parse with the format
    /// or is not the start of a window at or after start.
    public func index(of key: PartitionKey) -> Int? {
        guard let instant = Self.instant(reading: key.rawValue, with: keyFormat, offsets: offsets) else { return nil }
        let index = ticks.firstIndex(atOrAfter: instant)
        guard index >= 0, keyText(ofTick: ticks.tick(index)) == key.rawValue else { return nil }
        return index
    }

    /// The index of the window that contains `instant`; nil before the first window.
    public func index(containing instant: Date) -> Int? {
        let index = ticks.lastIndex(atOrBefore: instant)
        return index >= 0 ? index : nil
    }

    /// The indices of the windows that overlap `window` (partially or fully), never negative.
    public func indices(overlapping window: TimeWindow) -> Range<Int> {
        let lower = max(0, ticks.lastIndex(atOrBefore: window.start))
        guard window.end > window.start else { return lower..<lower }
        return lower..<max(lower, ticks.firstIndex(atOrAfter: window.end))
    }

    /// Compares the definitions.
    public static func == (lhs: TimeWindowPartitions, rhs: TimeWindowPartitions) -> Bool {
        lhs.parts === rhs.parts
            || lhs.schedule == rhs.schedule && lhs.start == rhs.start && lhs.end == rhs.end && lhs.format == rhs.format
                && lhs.endOffset == rhs.endOffset
    }

    /// Hashes the definition.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(schedule)
        hasher.combine(start)
        hasher.combine(end)
        hasher.combine(format)
        hasher.combine(endOffset)
    }

    // MARK: - Keys and instants

    /// The key of the window starting at `tick`, as Dagster's `dst_safe_strftime` writes it.
    private func keyText(ofTick tick: Int) -> String {
        let offset = offsets.offset(at: tick)
        let wall = tick + offset
        if schedule.repeatsEveryHour {
            // The second occurrence of a repeated wall-clock time gets its UTC offset appended.
            let earlier = offsets.offset(at: tick - 86_400)
            if !keyFormat.writesOffset && earlier > offset && offsets.offset(at: wall - earlier) == earlier {
                return keyFormat.withOffset().format(wall: wall, offset: offset)
            }
        } else if !schedule.matches(wallClock: wall) {
            // A time skipped by a gap fires after it. Outside 01:00–03:59 Dagster writes the skipped
            // wall-clock time with the offset before the gap.
            let before = offsets.offset(at: tick - 86_400)
            let skipped = tick + before
            if !(1...3).contains(GregorianDate.floorDivision(skipped, 86_400).remainder / 3600) {
                return keyFormat.format(wall: skipped, offset: before)
            }
        }
        return keyFormat.format(wall: wall, offset: offset)
    }

    /// The instant a key written in `format` stands for, as Dagster's `dst_safe_strptime` reads it:
    /// with the format, else with the format and a UTC offset; a wall-clock time without an offset
    /// that a gap skips or an overlap repeats is read with the offset before the change.
    static func instant(reading text: String, with format: PartitionKeyFormat, offsets: ZoneOffsets) -> Date? {
        guard let reading = format.read(text) ?? format.withOffset().read(text) else { return nil }
        let seconds = reading.offset.map { reading.wall - $0 } ?? offsets.instant(ofWallClock: reading.wall)
        return Date(timeIntervalSince1970: Double(seconds) + Double(reading.microsecond) / 1_000_000)
    }

    /// `text` read with the key format, or as ISO 8601; throws naming `role` (start or end) otherwise.
    private static func instant(
        _ text: String, named role: String, format: PartitionKeyFormat, offsets: ZoneOffsets
    ) throws(PartitionsError) -> Date {
        if let instant = instant(reading: text, with: format, offsets: offsets) { return instant }
        for iso in isoFormats {
            if let instant = instant(reading: text, with: iso, offsets: offsets) { return instant }
        }
        let example = format.format(wall: 1_704_067_200, offset: offsets.offset(at: 1_704_067_200))
        throw .invalidTimeWindow(
            "\(role) '\(text)' does not match the format '\(format.pattern)'; write it like '\(example)' "
                + "(2024-01-01), or in ISO 8601 such as '2024-01-01T00:00:00Z'")
    }

    /// The ISO 8601 forms `start` and `end` may also take.
    private static let isoFormats = [
        "%Y-%m-%dT%H:%M:%S.%f%z", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z", "%Y-%m-%d %H:%M:%S.%f%z",
        "%Y-%m-%d %H:%M:%S%z", "%Y-%m-%d %H:%M%z", "%Y-%m-%dT%H:%M:%S.%f", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d",
    ].map { try! PartitionKeyFormat($0) }

    /// The names of zones Dagster writes `%Z` for: UTC itself, which keys can be read back from.
    private static let universalZoneNames = [
        "UTC": "UTC", "utc": "UTC", "Etc/UTC": "UTC", "Etc/Universal": "UTC", "Universal": "UTC", "Etc/Zulu": "UTC",
        "Zulu": "UTC", "GMT": "GMT", "Etc/GMT": "GMT",
    ]

    /// The zone named `name`, or an error suggesting the nearest known name.
    private static func zone(named name: String) throws(PartitionsError) -> TimeZone {
        if name == "UTC" || name == "utc" { return .gmt }
        if let zone = TimeZone(identifier: name) { return zone }
        let lowered = name.lowercased()
        let suggestion =
            TimeZone.knownTimeZoneIdentifiers.first { $0.lowercased() == lowered }
            ?? TimeZone.knownTimeZoneIdentifiers.first { $0.lowercased().hasSuffix("/" + lowered) }
        throw .invalidTimeWindow(
            "unknown time zone '\(name)'; "
                + (suggestion.map { "did you mean '\($0)'? " } ?? "")
                + "use an IANA name such as 'Europe/Vienna', 'America/New_York' or 'UTC'")
    }

    private static func date(_ seconds: Int) -> Date { Date(timeIntervalSince1970: Double(seconds)) }
}
